/**
 * Corpus throughput: writes a train split with worker threads at 64, 128 and 256 px and reports
 * objects per second and the projected time for 10,000 objects; plus corpus statistics (category
 * and colour balance, caption lengths, vocabulary size, mean silhouette coverage per view).
 *
 *   npm run bench:corpus                # 2,000 objects at 64 px, 400 at 128 px, 100 at 256 px
 *   npm run bench:corpus -- 10000       # the full 10,000 at 64 px
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS_DEFAULTS, writeCorpus } from '../src/synth/write-corpus.js';
import { corpusTokenizer } from '../src/synth/vocabulary.js';
import type { SampleRecord } from '../src/synth/synthesize-sample.js';
import { printTable, writeResults } from './harness.js';

async function main(): Promise<void> {
  const count64 = Number(process.argv[2] ?? 2000);
  const runs = [
    { resolution: 64, count: count64 },
    { resolution: 128, count: Math.max(50, Math.round(count64 / 5)) },
    { resolution: 256, count: Math.max(20, Math.round(count64 / 20)) },
  ];
  const rows: Record<string, string | number>[] = [];
  let stats: Record<string, string | number>[] = [];
  for (const run of runs) {
    const out = mkdtempSync(join(tmpdir(), 'kiln-bench-corpus-'));
    const t = performance.now();
    const m = await writeCorpus({ split: 'train', count: run.count, resolution: run.resolution, out, workers: CORPUS_DEFAULTS.workers });
    const s = (performance.now() - t) / 1000;
    rows.push({
      resolution: run.resolution,
      objects: run.count,
      workers: CORPUS_DEFAULTS.workers,
      seconds: s,
      'ms / object': (s * 1000) / run.count,
      'projected 10k (min)': (s / run.count) * 10000 / 60,
    });
    if (run.resolution === 64) stats = corpusStats(out, m.shards.map((sh) => sh.name), m.views, m.resolution);
    rmSync(out, { recursive: true, force: true });
  }
  printTable(rows);
  console.log();
  printTable(stats);
  console.log(`\n${writeResults('corpus', [...rows, ...stats])}`);
}

function corpusStats(dir: string, shards: string[], views: number, resolution: number): Record<string, string | number>[] {
  const records: SampleRecord[] = [];
  const coverage = new Float64Array(views);
  const px = resolution * resolution;
  for (const s of shards) {
    const shardRecords: SampleRecord[] = JSON.parse(readFileSync(join(dir, s, 'index.json'), 'utf8')).records;
    records.push(...shardRecords);
    const buf = readFileSync(join(dir, s, 'rgba.npy'));
    const data = buf.subarray(10 + buf.readUInt16LE(8)); // past the .npy header
    for (let i = 0; i < data.length / 4; i++) if (data[i * 4 + 3] > 127) coverage[Math.floor(i / px) % views]++;
  }
  const byCategory = new Map<string, number>();
  const byColor = new Map<string, number>();
  for (const r of records) {
    byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + 1);
    byColor.set(r.main.color, (byColor.get(r.main.color) ?? 0) + 1);
  }
  const captionsEn = records.flatMap((r) => r.tokens.en.map((t) => t.length));
  const captionsZh = records.flatMap((r) => r.tokens.zh.map((t) => t.length));
  const counts = [...byCategory.values()];
  return [
    { statistic: 'objects', value: records.length },
    { statistic: 'categories (min–max objects each)', value: `${byCategory.size} (${Math.min(...counts)}–${Math.max(...counts)})` },
    { statistic: 'colours used', value: byColor.size },
    { statistic: 'held-out triples in train', value: records.filter((r) => r.heldOut).length },
    { statistic: 'vocabulary size', value: corpusTokenizer().size },
    { statistic: 'caption tokens EN (mean / max)', value: `${mean(captionsEn).toFixed(1)} / ${Math.max(...captionsEn)}` },
    { statistic: 'caption tokens ZH (mean / max)', value: `${mean(captionsZh).toFixed(1)} / ${Math.max(...captionsZh)}` },
    { statistic: 'silhouette coverage per view (condition, rig 0…5)', value: [...coverage].map((c) => ((c / records.length / px) * 100).toFixed(1) + '%').join(' ') },
  ];
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

await main();
