import { pino, type Logger } from 'pino';

/**
 * The project's logger. Logs go to stderr so that a CLI's stdout carries only its result (a path,
 * a JSON report). The level comes from `KILN_LOG_LEVEL` (default `info`, `silent` under jest).
 */
const root: Logger = pino(
  {
    name: 'kiln',
    level: process.env.KILN_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info'),
  },
  pino.destination(2),
);

/** A child logger whose lines carry `module`, e.g. `createLogger('render')`. */
export function createLogger(module: string): Logger {
  return root.child({ module });
}

export type { Logger };
