import { createRng, type Rng } from '../core/rng.js';
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
/** Range of the condition camera's field of view in training samples, degrees: a phone's wide lens to a short telephoto. */
export const CONDITION_FOV: readonly [number, number] = [20, 55];
/** How much closer or farther than the rig's framing the training condition camera stands. */
const CONDITION_FRAMING: readonly [number, number] = [0.85, 1.2];
const LENS_STREAM = 0x6c656e73;

/**
 * The condition camera: azimuth 0, the given (or a random) elevation, and, with `jitterLens`, a
 * random field of view with the distance that frames the object about as the rig does (times a
 * random factor), so the model sees a photo's perspective, not only the rig's (Hunyuan3D-1's
 * input-view robustness; preprocessing crops to the object, so only the perspective differs).
 * The lens is drawn from its own stream (`lensSeed`), so adding it changed no other random choice.
 */
export function conditionCamera(rng: Rng, rig: ViewRig, lensSeed: number | undefined, elevation?: number): OrbitView {
  const view: OrbitView = {
    azimuth: 0,
    elevation: elevation ?? Math.round(rng.range(CONDITION_ELEVATION[0], CONDITION_ELEVATION[1]) * 100) / 100,
    distance: rig.views[0].distance,
    fov: rig.views[0].fov,
  };
  if (lensSeed === undefined) return view;
  const lens = createRng(lensSeed ^ LENS_STREAM);
  const fov = Math.round(lens.range(CONDITION_FOV[0], CONDITION_FOV[1]) * 100) / 100;
  const half = (deg: number) => Math.tan((deg * Math.PI) / 360);
  const distance = view.distance * (half(view.fov) / half(fov)) * lens.range(CONDITION_FRAMING[0], CONDITION_FRAMING[1]);
  return { ...view, fov, distance: Math.round(distance * 1000) / 1000 };
}

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
  const condition = conditionCamera(rng, spec.rig, spec.split === 'train' ? seed : undefined);
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
