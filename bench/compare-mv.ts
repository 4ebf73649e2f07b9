/**
 * Two multi-view models, object by object: reads two `eval:mv` results (its results files, or what
 * `--json` printed; same source, split and seed) and prints, for F@0.05, PSNR and alpha IoU, the mean difference (B − A) with a paired
 * bootstrap 95 % interval and how many objects each model won.
 *
 *   npm run -s compare:mv -- A.json B.json [--json]
 *
 * An interval that contains 0 means the objects cannot tell the two models apart.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { pairedDifference } from '../src/metrics/paired.js';
import type { PerObjectRow } from './eval-mv.js';
import { printTable } from './harness.js';

interface EvalSummary { model: string; trainingSteps?: number; source: string; split: string; perObject?: PerObjectRow[] }

const METRICS = ['fscore_005', 'psnr', 'alpha_iou'] as const;

function readSummary(path: string): EvalSummary {
  let parsed: { rows?: EvalSummary[] } & Partial<EvalSummary>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not a readable eval:mv result (${err instanceof Error ? err.message : String(err)})`);
  }
  // A results file (bench/results/eval-mv*.json) holds the summary in rows[0]; `eval:mv --json` prints it bare.
  const summary = parsed.rows?.[0] ?? (parsed.perObject ? (parsed as EvalSummary) : undefined);
  if (!summary?.perObject?.length) throw new Error(`${path}: no per-object rows (written by eval:mv before it recorded them?)`);
  return summary;
}

async function main(): Promise<void> {
  const program = new Command().argument('<a>', 'eval:mv result of model A').argument('<b>', 'eval:mv result of model B').option('--json', 'print JSON').parse();
  const [pathA, pathB] = program.args;
  const a = readSummary(pathA);
  const b = readSummary(pathB);
  if (a.source !== b.source || a.split !== b.split) throw new Error(`the results are on different objects: ${a.source} ${a.split} vs ${b.source} ${b.split}`);
  const byId = new Map(b.perObject!.map((r) => [r.id, r]));
  const pairs = a.perObject!.filter((r) => byId.has(r.id)).map((r) => [r, byId.get(r.id)!] as const);
  const unpaired = a.perObject!.length + b.perObject!.length - 2 * pairs.length;
  if (pairs.length === 0) throw new Error('the two results share no objects');
  const rows = METRICS.map((metric) => {
    const d = pairedDifference(pairs.map(([x]) => x[metric]), pairs.map(([, y]) => y[metric]));
    return { metric, objects: d.objects, a: d.meanA, b: d.meanB, 'b − a': d.meanDifference, low_95: d.low, high_95: d.high, 'b better': d.better, 'b worse': d.worse };
  });
  const out = { a: `${a.model} (${a.trainingSteps} steps) ${pathA}`, b: `${b.model} (${b.trainingSteps} steps) ${pathB}`, source: a.source, split: a.split, unpaired, rows };
  if (program.opts<{ json?: boolean }>().json) {
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  console.log(`A: ${out.a}\nB: ${out.b}\n${a.source}, ${a.split} split, ${pairs.length} objects in both${unpaired ? ` (${unpaired} in only one, left out)` : ''}\n`);
  printTable(rows);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
