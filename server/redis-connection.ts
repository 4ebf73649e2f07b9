import type { RedisOptions } from 'bullmq';
import { KilnError } from '../src/core/errors.js';

/** The BullMQ queue every server and worker shares. */
export const QUEUE_NAME = 'kiln-generate';
/** Pub/sub channel on which the server asks the worker running a job to stop it. */
export const CANCEL_CHANNEL = 'kiln:cancel';

/**
 * ioredis options from a `redis://[:password@]host[:port][/db]` URL. `maxRetriesPerRequest: null`
 * is what BullMQ needs: commands wait for a reconnection instead of failing, so a Redis restart is
 * ridden out by servers and workers alike.
 */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new KilnError('INVALID_INPUT', `--redis: not a URL: ${url} (expected redis://host:port)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new KilnError('INVALID_INPUT', `--redis: expected a redis:// URL, got ${u.protocol}`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // Reconnect quickly at first, then every two seconds, for ever.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}
