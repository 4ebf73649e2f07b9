import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { describeIfInstalled } from '../helpers/requires.js';
import { serve, type RunningServer } from '../helpers/serve.js';

// Scale-out mode for real: a redis-server of the test's own, `kiln serve --redis` and `kiln worker`
// processes sharing one data folder.

const REDIS = '/usr/bin/redis-server';
const available = existsSync(REDIS);
const maybe = describeIfInstalled(REDIS, 'redis-server');

const children: ChildProcess[] = [];
const servers: RunningServer[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  return proc;
}

async function startWorker(redis: string, data: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'kiln.js'), 'worker', '--redis', redis, '--data', data, '--lock-ms', '3000', '--threads', '1'], {
    env: { ...process.env, KILN_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/worker ready/.test(out)) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`kiln worker exited ${code}`)));
  });
  return proc;
}

const kill = (p: ChildProcess) => new Promise<void>((resolve) => {
  if (p.exitCode !== null || p.signalCode !== null) return resolve();
  p.once('exit', () => resolve());
  p.kill('SIGKILL');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  await Promise.all(children.map(kill));
});

async function json(res: Response): Promise<any> {
  return res.json();
}

async function waitFor(url: string, test: (job: any) => boolean, timeoutMs = 60000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await json(await fetch(url));
    if (test(job)) return job;
    if (Date.now() > deadline) throw new Error(`timed out; job is ${JSON.stringify(job).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ended = (j: any) => ['succeeded', 'failed', 'cancelled'].includes(j.state);

async function eventTypes(url: string): Promise<string[]> {
  const text = await (await fetch(url)).text();
  return [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
}

maybe('kiln serve --redis with kiln worker processes', () => {
  let redisUrl: string;
  let redisPort: number;
  let redis: ChildProcess;
  let data: string;
  let server: RunningServer;
  let workers: ChildProcess[];

  beforeAll(async () => {
    redisPort = await freePort();
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    redis = await startRedis(redisPort);
    data = tempDir();
    server = await serve(data, ['--redis', redisUrl, '--max-queue', '100', '--rate-limit', '1000']);
    servers.push(server);
    workers = await Promise.all([startWorker(redisUrl, data), startWorker(redisUrl, data)]);
  }, 60000);

  const submit = (prompt: string, options: object) =>
    fetch(`${server.url}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, options }) }).then(json);

  test('two workers share 20 jobs; each completes exactly once; events are those of local mode', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await submit(i % 2 ? '一个红色的杯子' : 'a red mug', { fast: true, steps: 4, seed: i })).id);
    // Ten fast jobs per worker: about 60 s on the faster test machine, over 120 s on the slower one.
    const jobs = await Promise.all(ids.map((id) => waitFor(`${server.url}/api/v1/jobs/${id}`, ended, 400000)));
    for (const j of jobs) {
      expect(j.attempts).toBe(1);
      if (j.state === 'failed') expect(j.error.code).toBe('INVALID_INPUT'); // the model's verdict, not the queue's
      else expect(j.state).toBe('succeeded');
    }
    expect(jobs.filter((j) => j.state === 'succeeded').length).toBeGreaterThanOrEqual(10);
    expect(new Set(jobs.map((j) => j.worker)).size).toBe(2);
    for (const id of ids.slice(0, 4)) {
      const types = await eventTypes(`${server.url}/api/v1/jobs/${id}/events`);
      expect(types.filter((t) => t === 'done' || t === 'failed')).toHaveLength(1);
      expect(types[0]).toBe('queued');
      expect(types).toEqual(expect.arrayContaining(['started', 'stage']));
    }
    const one = jobs.find((j) => j.state === 'succeeded');
    const glb = await fetch(`${server.url}${one.links.files['model.glb']}`);
    expect(glb.status).toBe(200);
  }, 480000);

  test('a worker killed mid-job: the job runs again on the other worker, nothing lost or stuck', async () => {
    const job = await submit('a red mug', { steps: 150 });
    const running = await waitFor(`${server.url}/api/v1/jobs/${job.id}`, (j) => j.state === 'running' && !!j.worker);
    const pid = Number(running.worker.split(':').pop());
    const victim = workers.find((w) => w.pid === pid)!;
    expect(victim).toBeDefined();
    await kill(victim);
    const done = await waitFor(`${server.url}/api/v1/jobs/${job.id}`, ended, 120000);
    expect(done.attempts).toBe(2);
    expect(done.worker).not.toBe(running.worker);
    if (done.state === 'failed') expect(done.error.code).toBe('INVALID_INPUT');
    else expect(done.state).toBe('succeeded');
    workers = [workers.find((w) => w !== victim)!, await startWorker(redisUrl, data)];
  }, 180000);

  test('cancel reaches the worker that runs the job; that worker goes on to the next', async () => {
    const slow = await submit('a red mug', { steps: 200 });
    await waitFor(`${server.url}/api/v1/jobs/${slow.id}`, (j) => j.state === 'running' && j.progress > 0);
    expect((await fetch(`${server.url}/api/v1/jobs/${slow.id}/cancel`, { method: 'POST' })).status).toBe(202);
    const cancelled = await waitFor(`${server.url}/api/v1/jobs/${slow.id}`, ended, 30000);
    expect(cancelled.state).toBe('cancelled');
    expect((await eventTypes(`${server.url}/api/v1/jobs/${slow.id}/events`)).at(-1)).toBe('cancelled');
    const next = await submit('a blue vase', { fast: true, steps: 4 });
    expect(['succeeded', 'failed']).toContain((await waitFor(`${server.url}/api/v1/jobs/${next.id}`, ended)).state);
  }, 120000);

  test('Redis restarting (losing its data): server and workers reconnect; no job is lost or stuck', async () => {
    // Two jobs running and one waiting when Redis goes away.
    const jobs = [await submit('a red mug', { steps: 80 }), await submit('a blue vase', { steps: 80 }), await submit('a green chair', { steps: 80 })];
    await waitFor(`${server.url}/api/v1/jobs/${jobs[1].id}`, (j) => j.state === 'running');
    await kill(redis);
    // Readiness notices the lost connection within moments.
    let status = 200;
    for (let i = 0; i < 50 && status !== 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await fetch(`${server.url}/readyz`)).status;
    }
    expect(status).toBe(503);
    redis = await startRedis(redisPort);
    await waitFor(`${server.url}/readyz`, (r) => r.status === 'ready', 20000);
    for (const j of jobs) {
      const end = await waitFor(`${server.url}/api/v1/jobs/${j.id}`, ended, 120000);
      if (end.state === 'failed') expect(end.error.code).toBe('INVALID_INPUT'); // the model's verdict only
      else expect(end.state).toBe('succeeded');
    }
    const next = await submit('a red mug', { fast: true, steps: 4 });
    expect(['succeeded', 'failed']).toContain((await waitFor(`${server.url}/api/v1/jobs/${next.id}`, ended, 60000)).state);
  }, 240000);
});
