/**
 * Photos around an object: does the silhouette check tell right angles from wrong ones, and what
 * does the support plane do for objects seen only from above?
 *
 *   npm run -s bench:views -- [--held-out 8] [--part check|support|all] [--resolution 96] [--size 256] [--json]
 *
 * Objects: every mesh in ../shared/benchmarks/meshes and `--held-out` procedural objects of the test
 * split, each normalised to a longest side of 1. Each is rendered (unlit, anti-aliased alpha) at
 * the true cameras, then reconstructed from those renders as `kiln views` would (silhouettes only,
 * support plane when every elevation is positive), with the angles given:
 *
 * - **check** (4 views, azimuths 0/90/180/270, elevation 10°): right, with 90° and 270° swapped,
 *   with 0° and 90° swapped, with every azimuth shifted by 45°, and each 5° off (the accuracy of angles
 *   judged by eye, which should pass). Per run: the lowest per-view
 *   silhouette IoU of the reconstruction against the photos (`silhouetteAgreement`) and F@0.05
 *   against the true mesh (no alignment); then, per candidate threshold, how many right runs would be
 *   refused and how many wrong ones caught.
 * - **support** (4 views at elevation 20°, all from above): F@0.05 and how far the model reaches
 *   below the true bottom, without and with the support plane.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { orbitCamera } from '../src/geometry/camera.js';
import { computeBounds, type Mesh } from '../src/geometry/mesh.js';
import { normalizeMesh } from '../src/geometry/normalize.js';
import { loadMesh } from '../src/io/load-mesh.js';
import { compareMeshes } from '../src/metrics/compare-shapes.js';
import type { CalibratedView } from '../src/geometry/calibrated-view.js';
import { reconstructGeometry } from '../src/reconstruct/reconstruct-geometry.js';
import { renderCalibratedViews } from '../src/render/render-views.js';
import { silhouetteAgreement } from '../src/reconstruct/silhouette-agreement.js';
import { generateObject } from '../src/synth/generate-object.js';
import { objectSeed } from '../src/synth/splits.js';
import { printTable, writeResults } from './harness.js';

const DISTANCE = 3;
const FOV = 30;
const AZIMUTHS = [0, 90, 180, 270];

/** The angles a user might give instead of the right ones (index i: the claimed azimuth of view i). */
const CASES: Record<string, (az: number[]) => number[]> = {
  right: (az) => az,
  // Right within what a person photographing by eye achieves: each azimuth 5° off, alternately.
  'off by 5': (az) => az.map((a, i) => a + (i % 2 ? -5 : 5)),
  'swap 90/270': (az) => az.map((a) => (a === 90 ? 270 : a === 270 ? 90 : a)),
  'swap 0/90': (az) => az.map((a) => (a === 0 ? 90 : a === 90 ? 0 : a)),
  'shift 45': (az) => az.map((a) => a + 45),
};

interface Subject {
  name: string;
  source: 'benchmark' | 'held-out';
  mesh: Mesh;
}

interface CheckRow {
  mesh: string;
  source: string;
  case: string;
  min_iou: number;
  worst_view: number;
  fscore_005: number;
}

interface SupportRow {
  mesh: string;
  source: string;
  fscore_005_without: number;
  fscore_005_with: number;
  below_without: number;
  below_with: number;
}

async function subjects(heldOut: number): Promise<Subject[]> {
  const list: Subject[] = [];
  const dir = join(process.env.KILN_BENCHMARKS ?? resolve(process.cwd(), '..', 'shared', 'benchmarks'), 'meshes');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((f) => /\.(glb|gltf|obj|off|ply|stl)$/i.test(f)).sort()) {
      list.push({ name: basename(f).replace(/\.[^.]+$/, ''), source: 'benchmark', mesh: normalizeMesh(await loadMesh(join(dir, f))) });
    }
  } else console.error(`(no benchmark meshes: ${dir} does not exist; set KILN_BENCHMARKS)`);
  for (let i = 0; i < heldOut; i++) {
    const o = generateObject(objectSeed(1, 'test', i));
    list.push({ name: `${o.category} #${i}`, source: 'held-out', mesh: normalizeMesh(o.mesh) });
  }
  return list;
}

/** Renders at the true angles; returns the views with cameras at the claimed angles. */
function photos(mesh: Mesh, azimuths: number[], claimed: number[], elevation: number, size: number): CalibratedView[] {
  const rig = { views: azimuths.map((azimuth) => ({ azimuth, elevation, distance: DISTANCE, fov: FOV })) };
  return renderCalibratedViews(mesh, rig, size, { shading: 'unlit', supersample: 2 }).map((v, i) => ({
    camera: orbitCamera({ azimuth: claimed[i], elevation, distance: DISTANCE, fov: FOV }, size, size),
    image: v.image,
  }));
}

async function checkRows(s: Subject, resolution: number, size: number): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  for (const [name, claim] of Object.entries(CASES)) {
    const views = photos(s.mesh, AZIMUTHS, claim(AZIMUTHS), 10, size);
    const rec = await reconstructGeometry(views, { resolution, useDepth: false, supportPlane: true });
    const a = silhouetteAgreement(rec, views);
    rows.push({
      mesh: s.name,
      source: s.source,
      case: name,
      min_iou: a.minIoU,
      worst_view: a.ious.indexOf(a.minIoU),
      fscore_005: compareMeshes(rec, s.mesh).fscore['0.05'],
    });
  }
  return rows;
}

async function supportRow(s: Subject, resolution: number, size: number): Promise<SupportRow> {
  const views = photos(s.mesh, AZIMUTHS, AZIMUTHS, 20, size);
  const bottom = computeBounds(s.mesh).min[1];
  const run = async (supportPlane: boolean) => {
    const rec = await reconstructGeometry(views, { resolution, useDepth: false, supportPlane });
    return { f: compareMeshes(rec, s.mesh).fscore['0.05'], below: bottom - computeBounds(rec).min[1] };
  };
  const without = await run(false);
  const withPlane = await run(true);
  return { mesh: s.name, source: s.source, fscore_005_without: without.f, fscore_005_with: withPlane.f, below_without: without.below, below_with: withPlane.below };
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

async function main(): Promise<void> {
  const int = (lo: number, hi: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new InvalidArgumentError(`expected an integer in ${lo}…${hi}`);
    return n;
  };
  const opts = new Command('bench:views')
    .option('--held-out <n>', 'procedural objects of the test split', int(0, 200), 8)
    .option('--part <part>', 'check | support | all', 'all')
    .option('--resolution <n>', 'reconstruction grid', int(32, 256), 96)
    .option('--size <px>', 'photo size', int(64, 1024), 256)
    .option('--json', 'one JSON object per line')
    .parse()
    .opts<{ heldOut: number; part: string; resolution: number; size: number; json?: boolean }>();
  if (!['check', 'support', 'all'].includes(opts.part)) throw new Error(`--part must be check, support or all, got ${opts.part}`);
  const list = await subjects(opts.heldOut);

  if (opts.part !== 'support') {
    const rows: CheckRow[] = [];
    for (const s of list) {
      for (const r of await checkRows(s, opts.resolution, opts.size)) {
        rows.push(r);
        if (opts.json) console.log(JSON.stringify(r));
      }
    }
    if (!opts.json) {
      console.log(`\n4 photos (azimuths 0/90/180/270, elevation 10°), ${list.length} objects, grid ${opts.resolution}, ${opts.size} px\n`);
      const summary = Object.keys(CASES).map((c) => {
        const r = rows.filter((x) => x.case === c);
        const ious = r.map((x) => x.min_iou).sort((a, b) => a - b);
        return { case: c, runs: r.length, min_iou_lowest: ious[0], min_iou_median: ious[Math.floor(ious.length / 2)], min_iou_highest: ious[ious.length - 1], mean_fscore_005: mean(r.map((x) => x.fscore_005)) };
      });
      printTable(summary);
      console.log('\nRuns refused at each threshold (right and off by 5: false alarms; the others: caught):\n');
      const thresholds = [0.8, 0.85, 0.9, 0.92, 0.93, 0.95, 0.97];
      printTable(thresholds.map((t) => ({
        threshold: t,
        ...Object.fromEntries(Object.keys(CASES).map((c) => {
          const r = rows.filter((x) => x.case === c);
          return [c, `${r.filter((x) => x.min_iou < t).length}/${r.length}`];
        })),
      })));
      console.log('\nPer object:\n');
      printTable(rows.map((r) => ({ ...r })));
    }
    const path = writeResults('views-check', rows);
    if (!opts.json) console.log(`\nwrote ${path}`);
  }

  if (opts.part !== 'check') {
    const rows: SupportRow[] = [];
    for (const s of list) {
      const r = await supportRow(s, opts.resolution, opts.size);
      rows.push(r);
      if (opts.json) console.log(JSON.stringify(r));
    }
    if (!opts.json) {
      console.log(`\n4 photos from above (azimuths 0/90/180/270, elevation 20°); below: how far the model reaches under the true bottom (unit: the object's size)\n`);
      const table: Record<string, string | number>[] = rows.map((r) => ({ ...r }));
      for (const src of ['benchmark', 'held-out']) {
        const r = rows.filter((x) => x.source === src);
        if (!r.length) continue;
        table.push({
          mesh: `**mean ${src}**`,
          source: src,
          fscore_005_without: mean(r.map((x) => x.fscore_005_without)),
          fscore_005_with: mean(r.map((x) => x.fscore_005_with)),
          below_without: mean(r.map((x) => x.below_without)),
          below_with: mean(r.map((x) => x.below_with)),
        });
      }
      printTable(table);
    }
    const path = writeResults('views-support-plane', rows);
    if (!opts.json) console.log(`\nwrote ${path}`);
  }
}

main().catch((err) => {
  console.error(`bench:views: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
