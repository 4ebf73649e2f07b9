import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

/** Times `fn`: one warm-up call, then `runs` timed calls; returns the median and minimum in ms. */
export function time(fn: () => void, runs = 5): { median: number; min: number } {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], min: ms[0] };
}

/** Prints rows as a Markdown table (ready for the README). */
export function printTable(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const fmt = (v: string | number) =>
    typeof v !== 'number' ? v : Number.isInteger(v) ? String(v) : Math.abs(v) < 0.1 ? v.toPrecision(3) : v.toFixed(Math.abs(v) < 10 ? 3 : 1);
  console.log(`| ${cols.join(' | ')} |`);
  console.log(`|${cols.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${cols.map((c) => fmt(r[c])).join(' | ')} |`);
}

/** Writes results with the machine they were measured on to bench/results/<name>.json. */
export function writeResults(name: string, rows: unknown[]): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled to dist/bench; results belong in the source tree's bench/results.
  const dir = join(here, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  const machine = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}` };
  writeFileSync(path, JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2) + '\n');
  return path;
}
