/**
 * Scale-out throughput: a redis-server, `kiln serve --redis`, and 1 then 2 `kiln worker` processes
 * on this machine; `--jobs` text → 3D jobs submitted at once, timed until the last one ends.
 *
 *   npm run -s bench:scale -- [--jobs 12] [--workers 1,2] [--threads 2] [--json]
 *
 * Every worker process loads its own model and runs one job at a time; `--threads` is each
 * worker's onnxruntime thread count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describeError } from '../src/core/errors.js';
import { packageRoot } from '../src/core/package-root.js';
import { printTable, writeResults } from './harness.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Spawns a process and resolves once its output matches `ready`; the match's first group, if any. */
function launch(cmd: string, args: string[], ready: RegExp, children: ChildProcess[]): Promise<string> {
  const proc = spawn(cmd, args, { env: { ...process.env, KILN_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve(m[1] ?? '');
    });
    proc.on('exit', (code) => reject(new Error(`${cmd} ${args[1] ?? ''} exited with ${code}`)));
  });
}

async function run(workers: number, jobs: number, threads: number): Promise<Record<string, string | number>> {
  const children: ChildProcess[] = [];
  const data = mkdtempSync(join(tmpdir(), 'kiln-bench-scale-'));
  const kiln = join(packageRoot(), 'bin', 'kiln.js');
  try {
    const port = await freePort();
    const redis = `redis://127.0.0.1:${port}`;
    await launch('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept/, children);
    const url = await launch(process.execPath, [kiln, 'serve', '--port', '0', '--data', data, '--redis', redis, '--max-queue', '1000', '--rate-limit', '100000'], /serving on (http:\/\/[\d.]+:\d+)/, children);
    await Promise.all(Array.from({ length: workers }, () => launch(process.execPath, [kiln, 'worker', '--redis', redis, '--data', data, '--threads', String(threads)], /worker ready/, children)));
    const t0 = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const res = await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: i % 2 ? '一个红色的杯子' : 'a red mug', options: { fast: true, seed: i } }) });
      ids.push(((await res.json()) as { id: string }).id);
    }
    let states: { state: string; worker?: string }[] = [];
    for (;;) {
      states = await Promise.all(ids.map(async (id) => (await fetch(`${url}/api/v1/jobs/${id}`)).json() as Promise<{ state: string; worker?: string }>));
      if (states.every((s) => ['succeeded', 'failed', 'cancelled'].includes(s.state))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      'worker processes': workers,
      'threads each': threads,
      jobs,
      succeeded: states.filter((s) => s.state === 'succeeded').length,
      'workers used': new Set(states.map((s) => s.worker)).size,
      seconds: Math.round(seconds * 10) / 10,
      'jobs/min': Math.round((jobs / seconds) * 600) / 10,
    };
  } finally {
    for (const c of children.reverse()) c.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cli = new Command('bench-scale')
    .option('--jobs <n>', 'jobs per run', (v) => Number(v), 12)
    .option('--workers <list>', 'worker process counts to compare', '1,2')
    .option('--threads <n>', 'onnxruntime threads per worker', (v) => Number(v), 2)
    .option('--json', 'print JSON');
  const o = cli.parse(process.argv).opts<{ jobs: number; workers: string; threads: number; json?: boolean }>();
  const rows = [];
  for (const n of o.workers.split(',').map(Number)) rows.push(await run(n, o.jobs, o.threads));
  if (o.json) console.log(JSON.stringify(rows, null, 2));
  else printTable(rows);
  console.log(`\nresults: ${writeResults('scale', rows)}`);
}

main().catch((err) => {
  console.error(`bench-scale: ${describeError(err)}`);
  process.exit(1);
});
