/**
 * The objects `eval:mv` measures on: held-out procedural objects, or the usable models of the
 * Sweet Home 3D test split (never trained on; `val` for choosing between models), rendered at the model's rig and resolution.
 */
import { fromUint8, type RasterImage } from '../src/core/image.js';
import type { CalibratedView } from '../src/geometry/calibrated-view.js';
import { orbitCamera, type OrbitView } from '../src/geometry/camera.js';
import type { rigCameras } from '../src/geometry/rig.js';
import type { Mesh } from '../src/geometry/mesh.js';
import type { ViewRig } from '../src/geometry/rig.js';
import { DEPTH_SCALE, type SampleViews } from '../src/synth/render-sample.js';
import { readSh3dCatalogs } from '../src/synth/sh3d-catalogs.js';
import { sh3dSplitEntries } from '../src/synth/sh3d-corpus.js';
import { filterSh3dEntry, isTooThin } from '../src/synth/sh3d-filter.js';
import { renderSh3dSample } from '../src/synth/sh3d-sample.js';
import type { Sh3dSplit } from '../src/synth/sh3d-split.js';
import { sh3dTokenizer } from '../src/synth/sh3d-vocabulary.js';
import type { Split } from '../src/synth/splits.js';
import { synthesizeSample } from '../src/synth/synthesize-sample.js';

export const EVAL_SOURCES = ['procedural', 'sh3d'] as const;

/** The corpus data seed a model was trained with (its manifest's `training.dataSeed`; 1 when unrecorded): test objects come from it. */
export function trainingDataSeed(manifest: { training: unknown }): number {
  return Number((manifest.training as { dataSeed?: number }).dataSeed ?? 1);
}
export type EvalSource = (typeof EVAL_SOURCES)[number];

/** Condition elevation of catalogue objects: a product photo's usual low three-quarter view. */
export const SH3D_EVAL_ELEVATION = 15;

export interface EvalSample {
  id: string;
  mesh: Mesh;
  views: SampleViews;
  condition: OrbitView;
  captions: { en: string[]; zh: string[] };
  /** The corpus category (procedural) or the catalogue's (Sweet Home 3D). */
  category: string;
  /** The palette colour the captions name, when they name one. */
  color?: string;
  /** A procedural (category, colour, material) combination training never saw. */
  heldOut: boolean;
}

export interface EvalSourceOptions {
  source: EvalSource;
  split: Split;
  dataSeed: number;
  resolution: number;
  rig: ViewRig;
  sh3dDir?: string;
}

/** Yields evaluation samples in a fixed order (procedural: by index; sh3d: catalogue order, unusable entries skipped). */
export async function* evalSamples(o: EvalSourceOptions): AsyncGenerator<EvalSample> {
  if (o.source === 'procedural') {
    for (let i = 0; ; i++) {
      const s = synthesizeSample({ corpusSeed: o.dataSeed, split: o.split, index: i, resolution: o.resolution, rig: o.rig });
      yield { id: s.record.id, mesh: s.mesh, views: s.views, condition: s.record.condition, captions: s.record.captions, category: s.record.category, color: s.record.main.color, heldOut: s.record.heldOut };
    }
  }
  const catalogs = await readSh3dCatalogs(o.sh3dDir);
  const tokenizer = sh3dTokenizer(catalogs);
  const px = o.resolution * o.resolution;
  let index = 0;
  const split: Sh3dSplit = o.split === 'val' ? 'val' : 'test';
  for (const { catalog, entry } of sh3dSplitEntries(catalogs, split)) {
    const c = await filterSh3dEntry(catalog, entry);
    if ('skip' in c) continue;
    const s = renderSh3dSample(c.object, { corpusSeed: o.dataSeed, split, index, copy: 0, resolution: o.resolution, rig: o.rig, tokenizer, augment: false, elevation: SH3D_EVAL_ELEVATION });
    let alpha = 0;
    for (let i = 0; i < px; i++) alpha += s.views.rgba[i * 4 + 3] / 255;
    if (isTooThin(alpha / px)) continue;
    index++;
    yield { id: entry.key, mesh: s.mesh, views: s.views, condition: s.record.condition, captions: s.record.captions, category: s.record.category, color: s.record.main.color, heldOut: false };
  }
}

/** Sample views (condition first, then the rig) as calibrated views at their cameras. */
export function sampleCalibratedViews(s: EvalSample, resolution: number, cameras: ReturnType<typeof rigCameras>): { condition: CalibratedView; rig: CalibratedView[] } {
  const px = resolution * resolution;
  const all = [orbitCamera(s.condition, resolution, resolution), ...cameras].map((camera, v) => {
    const image: RasterImage = { width: resolution, height: resolution, channels: 4, data: fromUint8(s.views.rgba.subarray(v * px * 4, (v + 1) * px * 4)) };
    const depth = new Float32Array(px);
    for (let i = 0; i < px; i++) depth[i] = s.views.depth[v * px + i] * DEPTH_SCALE;
    return { camera, image, depth };
  });
  return { condition: all[0], rig: all.slice(1) };
}
