import { createRng } from '../core/rng.js';
import { fromRotationY } from '../geometry/mat4.js';
import { transformMesh, type Mesh } from '../geometry/mesh.js';
import type { OrbitView } from '../geometry/camera.js';
import type { ViewRig } from '../geometry/rig.js';
import type { Trait } from './category.js';
import { generateObject } from './generate-object.js';
import { heldOutTriples, isHeldOut, forcesHeldOut, objectSeed, type Split } from './splits.js';
import type { Appearance } from './palette.js';
import { renderSampleViews, type SampleViews } from './render-sample.js';
import { corpusTokenizer } from './vocabulary.js';

/** Range of the condition camera's elevation, degrees. */
export const CONDITION_ELEVATION: readonly [number, number] = [-10, 40];

/** What a shard's index records for one object (JSON; numpy readers need nothing else). */
export interface SampleRecord {
  id: string;
  index: number;
  seed: number;
  category: string;
  main: Appearance;
  heldOut: boolean;
  appearances: Appearance[];
  traits: Trait[];
  params: Record<string, number | string | boolean>;
  captions: { en: string[]; zh: string[] };
  /** Token ids of each caption (no special tokens), in the corpus vocabulary. */
  tokens: { en: number[][]; zh: number[][] };
  /** Object yaw about +Y, degrees: the mesh as rendered (and exported) is the generated one turned by this. */
  yaw: number;
  /** The condition camera (azimuth 0 in the world frame); the rig's views follow it. */
  condition: OrbitView;
}

export interface Sample {
  record: SampleRecord;
  views: SampleViews;
  /** The object as rendered: centred, longest side 1 before the yaw, turned by `record.yaw`. */
  mesh: Mesh;
}

export interface SampleSpec {
  corpusSeed: number;
  split: Split;
  index: number;
  resolution: number;
  rig: ViewRig;
  /** Atlas tile size; the default scales with the resolution so textures stay sharp. */
  tile?: number;
}

/**
 * Generates and renders one corpus sample: the object for (seed, split, index), a random yaw, a
 * condition view at azimuth 0 and a random elevation, and the rig's six views (relative to the
 * condition view's azimuth, elevations absolute, i.e. in the object's upright frame).
 */
export function synthesizeSample(spec: SampleSpec): Sample {
  const seed = objectSeed(spec.corpusSeed, spec.split, spec.index);
  const rng = createRng(seed ^ 0x2545f491);
  let main: Appearance | undefined;
  let category: string | undefined;
  if (forcesHeldOut(spec.split, spec.index)) {
    const all = [...heldOutTriples()].flatMap(([c, list]) => list.map((a) => ({ c, a })));
    const pick = rng.pick(all);
    category = pick.c;
    main = pick.a;
  }
  const tile = spec.tile ?? Math.max(32, Math.min(128, spec.resolution));
  const object = generateObject(seed, { category, main, avoidHeldOut: spec.split !== 'test', tile });
  const yaw = Math.round(rng.range(0, 360) * 100) / 100;
  const condition: OrbitView = {
    azimuth: 0,
    elevation: Math.round(rng.range(CONDITION_ELEVATION[0], CONDITION_ELEVATION[1]) * 100) / 100,
    distance: spec.rig.views[0].distance,
    fov: spec.rig.views[0].fov,
  };
  const mesh = transformMesh(object.mesh, fromRotationY((yaw * Math.PI) / 180));
  const views = renderSampleViews(mesh, condition, spec.rig, spec.resolution);
  const tokenizer = corpusTokenizer();
  const record: SampleRecord = {
    id: `${spec.split}-${String(spec.index).padStart(6, '0')}`,
    index: spec.index,
    seed,
    category: object.category,
    main: object.main,
    heldOut: isHeldOut(object.category, object.main),
    appearances: object.appearances,
    traits: object.traits,
    params: object.params,
    captions: object.captions,
    tokens: { en: object.captions.en.map((t) => tokenizer.tokenIds(t)), zh: object.captions.zh.map((t) => tokenizer.tokenIds(t)) },
    yaw,
    condition,
  };
  return { record, views, mesh };
}
