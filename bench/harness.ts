import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { RasterImage } from '../src/core/image.js';

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

/** One channel of an image as a flat array: by default its last (the alpha of an RGBA image, the only channel of a matte). */
export function channelOf(image: RasterImage, channel = image.channels - 1): Float32Array {
  const out = new Float32Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i * image.channels + channel];
  return out;
}

/**
 * IoU of two masks given as values per pixel, each set where it is at or above its threshold. Two
 * empty masks agree (1).
 */
export function maskIoU(a: ArrayLike<number>, b: ArrayLike<number>, thresholdA = 0.5, thresholdB = 0.5): number {
  if (a.length !== b.length) throw new Error(`maskIoU: the masks have ${a.length} and ${b.length} pixels`);
  let both = 0, either = 0;
  for (let k = 0; k < a.length; k++) {
    const p = a[k] >= thresholdA, q = b[k] >= thresholdB;
    if (p && q) both++;
    if (p || q) either++;
  }
  return either ? both / either : 1;
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
