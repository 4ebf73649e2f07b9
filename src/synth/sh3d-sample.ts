import { createHash } from 'node:crypto';
import { createRng, type Rng } from '../core/rng.js';
import { fromRotationY, normalize, type Vec3 } from '../geometry/mat4.js';
import { meshMaterials, surfaceArea, transformMesh, type Material, type MaterialGroup, type Mesh } from '../geometry/mesh.js';
import { normalizeMesh } from '../geometry/normalize.js';
import type { OrbitView } from '../geometry/camera.js';
import type { ViewRig } from '../geometry/rig.js';
import { DEFAULT_LIGHTING, type Lighting } from '../render/render-mesh.js';
import type { Tokenizer } from '../text/tokenizer.js';
import { PALETTE, type PaletteColor } from './palette.js';
import { renderSampleViews, type SampleViews } from './render-sample.js';
import { sh3dCaptions } from './sh3d-captions.js';
import type { Sh3dObject } from './sh3d-filter.js';
import type { Sh3dSplit } from './sh3d-split.js';
import { conditionCamera, type CONDITION_ELEVATION } from './synthesize-sample.js';

/** What a shard's index records for one catalogue object (the procedural record's fields where they apply). */
export interface Sh3dRecord {
  id: string;
  index: number;
  source: 'sh3d';
  /** `collection:modelPath`, the split's key. */
  key: string;
  collection: string;
  category: string;
  name: string;
  nameZh?: string;
  creator: string;
  license: string;
  /** The colour word of the captions (undefined: none is reliable), and whether it was painted on. */
  main: { color?: string; recolored: boolean };
  captions: { en: string[]; zh: string[] };
  tokens: { en: number[][]; zh: number[][] };
  yaw: number;
  condition: OrbitView;
  lighting: Lighting;
  glassRemoved: boolean;
}

export interface Sh3dSampleSpec {
  corpusSeed: number;
  split: Sh3dSplit;
  index: number;
  /** Which rendering of the object this is (several per object augment the train split). */
  copy: number;
  resolution: number;
  rig: ViewRig;
  tokenizer: Tokenizer;
  /** Lighting and colour changes (train); the test split renders plain. */
  augment: boolean;
  /** Fixes the condition elevation (evaluation); default random in {@link CONDITION_ELEVATION}. */
  elevation?: number;
}

export interface Sh3dSample {
  record: Sh3dRecord;
  views: SampleViews;
  /** The object as rendered: centred, longest side 1, turned by `record.yaw`, colours as drawn. */
  mesh: Mesh;
}

/** Share of the surface the dominant material must cover for its colour to name the object. */
const DOMINANT_SHARE = 0.6;
/** Names of things whose colour is their nature (plants, people, food): never repainted. */
const NATURAL = /plant|tree|flower|bush|palm|cactus|fruit|food|bread|\bman\b|woman|boy|girl|child|person|female|male|character/i;

/**
 * Renders one catalogue object as a corpus sample: normalised to the unit box, a seeded yaw, a
 * condition view at azimuth 0 and elevation in −10°…40° (with `augment`, a jittered lens), and the rig's views, all under one
 * lighting. With `augment`, the lighting varies (ambient, key light direction and strength) and,
 * where the object is mostly one untextured material and not something whose colour is its nature,
 * that material is repainted half the time with a palette colour, which the captions then name.
 * Without repainting, a colour word appears only when one untextured material dominates.
 */
export function renderSh3dSample(object: Sh3dObject, spec: Sh3dSampleSpec): Sh3dSample {
  const { entry } = object;
  const seed = seedOf(spec.corpusSeed, entry.key, spec.copy);
  const rng = createRng(seed);
  const yaw = Math.round(rng.range(0, 360) * 100) / 100;
  const condition = conditionCamera(rng, spec.rig, spec.augment ? seed : undefined, spec.elevation);
  const lighting = spec.augment ? jitterLighting(rng) : DEFAULT_LIGHTING;
  let mesh = object.mesh;
  const dominant = dominantMaterial(mesh);
  let color = dominant && !dominant.material.baseColorTexture ? nearestPaletteColor(dominant.material) : undefined;
  let recolored = false;
  if (spec.augment && dominant && !dominant.material.baseColorTexture && !NATURAL.test(`${entry.name} ${entry.category}`) && rng.range(0, 1) < 0.5) {
    color = rng.pick(PALETTE);
    mesh = repaint(mesh, dominant.material, color);
    recolored = true;
  }
  mesh = transformMesh(normalizeMesh(mesh), fromRotationY((yaw * Math.PI) / 180));
  const views = renderSampleViews(mesh, condition, spec.rig, spec.resolution, lighting);
  const captions = sh3dCaptions(entry, color);
  const record: Sh3dRecord = {
    id: `sh3d-${spec.split}-${String(spec.index).padStart(6, '0')}`,
    index: spec.index,
    source: 'sh3d',
    key: entry.key,
    collection: entry.collection,
    category: entry.category,
    name: entry.name,
    nameZh: entry.nameZh,
    creator: entry.creator,
    license: entry.license,
    main: { color: color?.name, recolored },
    captions,
    tokens: { en: captions.en.map((t) => spec.tokenizer.tokenIds(t)), zh: captions.zh.map((t) => spec.tokenizer.tokenIds(t)) },
    yaw,
    condition,
    lighting,
    glassRemoved: object.glassRemoved,
  };
  return { record, views, mesh };
}

function seedOf(corpusSeed: number, key: string, copy: number): number {
  return createHash('sha256').update(`${corpusSeed}|${key}|${copy}`).digest().readUInt32LE(0);
}

/** Softer or harder light from a turned direction; views of one sample share it (fixed in world space). */
function jitterLighting(rng: Rng): Lighting {
  const az = rng.range(-60, 60) * (Math.PI / 180);
  const el = rng.range(35, 75) * (Math.PI / 180);
  const key: Vec3 = normalize([Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)]);
  return {
    ambient: rng.range(0.25, 0.45),
    lights: [
      { direction: key, intensity: rng.range(0.45, 0.7) },
      { direction: normalize([-key[0], 0.25, -key[2]]), intensity: rng.range(0.15, 0.35) },
    ],
  };
}

/** The material covering at least {@link DOMINANT_SHARE} of the surface, if one does. */
function dominantMaterial(mesh: Mesh): { material: Material; share: number } | undefined {
  const groups: MaterialGroup[] = mesh.groups ?? [{ start: 0, count: mesh.indices.length / 3, material: mesh.material }];
  const area = new Map<Material, number>();
  let total = 0;
  for (const g of groups) {
    const a = surfaceArea({ ...mesh, groups: undefined, indices: mesh.indices.subarray(g.start * 3, (g.start + g.count) * 3) });
    area.set(g.material, (area.get(g.material) ?? 0) + a);
    total += a;
  }
  let best: Material | undefined;
  for (const [m, a] of area) if (!best || a > area.get(best)!) best = m;
  const share = best && total > 0 ? area.get(best)! / total : 0;
  // Vertex colours would override the material's colour: then it says nothing reliable.
  return best && share >= DOMINANT_SHARE && !mesh.colors ? { material: best, share } : undefined;
}

/** The palette colour nearest to a material's base colour (sRGB distance, weighted for lightness). */
function nearestPaletteColor(m: Material): PaletteColor {
  const srgb = m.baseColor.slice(0, 3).map((c) => (c <= 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 1 / 2.4) - 0.055));
  let best = PALETTE[0], bd = Infinity;
  for (const p of PALETTE) {
    const d = (p.rgb[0] - srgb[0]) ** 2 + (p.rgb[1] - srgb[1]) ** 2 * 1.5 + (p.rgb[2] - srgb[2]) ** 2;
    if (d < bd) {
      bd = d;
      best = p;
    }
  }
  return best;
}

/** A copy of the mesh with one material's colour replaced by a palette colour (in linear light). */
function repaint(mesh: Mesh, material: Material, color: PaletteColor): Mesh {
  const lin = color.rgb.map((c) => (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)));
  const painted: Material = { ...material, baseColor: [lin[0], lin[1], lin[2], material.baseColor[3]] };
  const swap = (m: Material) => (m === material ? painted : m);
  const { materials } = meshMaterials(mesh);
  if (materials.length === 1) return { ...mesh, material: swap(mesh.material) };
  return { ...mesh, material: swap(mesh.material), groups: mesh.groups!.map((g) => ({ ...g, material: swap(g.material) })) };
}
