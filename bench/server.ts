/**
 * Service benchmark, against a real `kiln serve` in its own process:
 *
 * 1. Responsiveness under load: while a generation runs (image → 3D, default preset, 100 steps so
 *    it outlasts the measurement), `GET /api/v1/jobs/:id` is hammered from this process with
 *    autocannon for `--seconds` (10); p50 / p99 latency and throughput.
 * 2. Burst: `--burst` (20) text jobs submitted at once, all followed to the end: every one must
 *    finish, once, in submission order.
 *
 *   npm run -s bench:server -- [--seconds 10] [--burst 20] [--json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Command } from 'commander';
import { describeError } from '../src/core/errors.js';
import { packageRoot } from '../src/core/package-root.js';
import { printTable, writeResults } from './harness.js';

function startServer(data: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [join(packageRoot(), 'bin', 'kiln.js'), 'serve', '--port', '0', '--data', data, '--max-queue', '100', '--rate-limit', '1000'], {
    env: { ...process.env, KILN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ url: m[1], proc });
    });
    proc.on('exit', (code) => reject(new Error(`kiln serve exited with ${code}`)));
  });
}

async function job(url: string): Promise<{ state: string; startedAt?: string; finishedAt?: string; attempts: number }> {
  return (await fetch(url)).json() as never;
}

async function main(): Promise<void> {
  const cli = new Command('bench-server')
    .option('--seconds <n>', 'seconds of GET load', (v) => Number(v), 10)
    .option('--burst <n>', 'jobs submitted at once', (v) => Number(v), 20)
    .option('--json', 'print JSON');
  const o = cli.parse(process.argv).opts<{ seconds: number; burst: number; json?: boolean }>();
  const data = mkdtempSync(join(tmpdir(), 'kiln-bench-server-'));
  const { url, proc } = await startServer(data);
  try {
    // 1. Latency while the worker thread keeps both cores busy.
    const form = new FormData();
    form.append('image', new Blob([readFileSync(join(packageRoot(), 'assets', 'samples', 'red-mug.png'))]), 'mug.png');
    form.append('options', JSON.stringify({ steps: 100 }));
    const submitted = (await (await fetch(`${url}/api/v1/jobs`, { method: 'POST', body: form })).json()) as { id: string };
    const jobUrl = `${url}/api/v1/jobs/${submitted.id}`;
    while ((await job(jobUrl)).state !== 'running') await new Promise((r) => setTimeout(r, 50));
    const load = await autocannon({ url: jobUrl, connections: 10, duration: o.seconds });
    const during = await job(jobUrl);
    const latency = {
      requests: load.requests.total,
      'req/s': Math.round(load.requests.average),
      'p50 ms': load.latency.p50,
      'p99 ms': load.latency.p99,
      'max ms': load.latency.max,
      errors: load.errors + load.non2xx,
      'job still running at the end': during.state === 'running' ? 'yes' : `no (${during.state})`,
    };
    while (!['succeeded', 'failed', 'cancelled'].includes((await job(jobUrl)).state)) await new Promise((r) => setTimeout(r, 200));

    // 2. A burst of jobs, all followed to the end.
    const t0 = performance.now();
    const ids = await Promise.all(
      Array.from({ length: o.burst }, async (_, i) => {
        const res = await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: i % 2 ? '一个红色的杯子' : 'a red mug', options: { fast: true, seed: i } }) });
        if (res.status !== 202) throw new Error(`job ${i}: HTTP ${res.status}`);
        return ((await res.json()) as { id: string; createdAt: string }).id;
      }),
    );
    let jobs = await Promise.all(ids.map((id) => job(`${url}/api/v1/jobs/${id}`)));
    while (jobs.some((j) => !['succeeded', 'failed', 'cancelled'].includes(j.state))) {
      await new Promise((r) => setTimeout(r, 250));
      jobs = await Promise.all(ids.map((id) => job(`${url}/api/v1/jobs/${id}`)));
    }
    const seconds = (performance.now() - t0) / 1000;
    const list = (await (await fetch(`${url}/api/v1/jobs?limit=100`)).json()) as { jobs: { id: string; createdAt: string; startedAt?: string }[] };
    // Submission order is the store's creation order (the ids race over HTTP); starts must follow it.
    const created = list.jobs.filter((j) => ids.includes(j.id)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    const inOrder = created.every((j, i) => i === 0 || (created[i - 1].startedAt ?? '') <= (j.startedAt ?? ''));
    const burst = {
      jobs: o.burst,
      succeeded: jobs.filter((j) => j.state === 'succeeded').length,
      'failed (model)': jobs.filter((j) => j.state === 'failed').length,
      lost: o.burst - created.length,
      'ran more than once': jobs.filter((j) => j.attempts !== 1).length,
      'started in submission order': inOrder ? 'yes' : 'no',
      seconds: Math.round(seconds * 10) / 10,
      'jobs/min': Math.round((o.burst / seconds) * 60 * 10) / 10,
    };
    if (o.json) console.log(JSON.stringify({ latency, burst }, null, 2));
    else {
      printTable([latency]);
      console.log('');
      printTable([burst]);
    }
    console.log(`\nresults: ${writeResults('server', [{ latency, burst }])}`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(data, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench-server: ${describeError(err)}`);
  process.exit(1);
});
