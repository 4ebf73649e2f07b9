/**
 * The synthetic sets the cut-confidence thresholds were chosen on: procedural objects rendered
 * over backdrops (for the border-colour model) and into random-colour clutter with a box (for the
 * box prompt's graph cut, by colour alone and, with a segmentation network, seeded by it as
 * `kiln image --box` does), each with its true alpha. A cut is "good" at IoU ≥ 0.9 against it and
 * "bad" below 0.8; a threshold should refuse no good cut and as many bad ones as it can.
 */
import { createImage, type RasterImage } from '../src/core/image.js';
import { createRng } from '../src/core/rng.js';
import { orbitCamera } from '../src/geometry/camera.js';
import { computeVertexNormals } from '../src/geometry/mesh.js';
import { renderMesh } from '../src/render/render-mesh.js';
import { generateObject } from '../src/synth/generate-object.js';
import { CATEGORIES } from '../src/synth/categories.js';
import { removeBackground } from '../src/preprocess/remove-background.js';
import { grabCut, type PixelBox } from '../src/preprocess/grab-cut.js';
import { assessCut, type CutVerdict } from '../src/preprocess/cut-confidence.js';
import { preprocessPhoto } from '../src/preprocess/preprocess-image.js';
import type { SegmentationNetwork } from '../src/preprocess/segment-network.js';
import { channelOf, maskIoU } from './harness.js';

const W = 240, H = 200;

/** A scene with its true alpha (and, for box scenes, the box a person would draw). */
interface Scene {
  name: string;
  image: RasterImage;
  alpha: Float32Array;
  box?: PixelBox;
}

function renderObject(category: string, seed: number, distance: number): RasterImage {
  const obj = generateObject(seed, { category });
  obj.mesh.normals ??= computeVertexNormals(obj.mesh);
  return renderMesh(obj.mesh, orbitCamera({ azimuth: 30 + 50 * seed, elevation: 15, distance, fov: 30 }, W, H), { supersample: 2 }).color;
}

/** The render over a background (a colour per pixel), with sensor noise (σ = 0.01). */
function composite(render: RasterImage, background: (x: number, y: number) => ArrayLike<number>, seed: number): { image: RasterImage; alpha: Float32Array } {
  const rng = createRng(seed);
  const image = createImage(W, H, 3);
  const alpha = new Float32Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const a = render.data[i * 4 + 3], b = background(i % W, Math.floor(i / W));
    alpha[i] = a;
    for (let c = 0; c < 3; c++) image.data[i * 3 + c] = Math.min(1, Math.max(0, render.data[i * 4 + c] * a + b[c] * (1 - a) + rng.normal() * 0.01));
  }
  return { image, alpha };
}

const BACKDROPS: Record<string, (x: number, y: number) => number[]> = {
  white: () => [0.96, 0.96, 0.95],
  grey: () => [0.5, 0.5, 0.5],
  yellow: () => [0.9, 0.8, 0.3],
  gradient: (_, y) => [0.85 - (0.3 * y) / H, 0.85 - (0.3 * y) / H, 0.9 - (0.25 * y) / H],
  dark: () => [0.12, 0.12, 0.14],
};

/** Every category, two objects each, over five backdrops, and too close (running off the frame) over two. */
function* borderScenes(): Generator<Scene> {
  for (const { name: category } of CATEGORIES) {
    for (const seed of [1, 2]) {
      const render = renderObject(category, seed, 2.6);
      for (const [backdrop, bg] of Object.entries(BACKDROPS)) yield { name: `${category} ${seed} ${backdrop}`, ...composite(render, bg, seed) };
      const close = renderObject(category, seed, 1.5);
      for (const backdrop of ['white', 'grey']) yield { name: `${category} ${seed} ${backdrop} close`, ...composite(close, BACKDROPS[backdrop], seed) };
    }
  }
}

/** Every category, two objects each, in random-colour clutter, with a loose (8 %), a wide (30 %) and a tight box. */
function* boxScenes(): Generator<Scene> {
  for (const { name: category } of CATEGORIES) {
    for (const seed of [1, 2]) {
      const render = renderObject(category, seed, 2.6);
      const rng = createRng(seed * 7 + category.length);
      const clutter = createImage(W, H, 3);
      for (let i = 0; i < 300; i++) {
        const c = [rng.range(0, 1), rng.range(0, 1), rng.range(0, 1)];
        const x0 = rng.int(W), y0 = rng.int(H), rw = 4 + rng.int(40), rh = 4 + rng.int(40);
        for (let y = y0; y < Math.min(H, y0 + rh); y++) for (let x = x0; x < Math.min(W, x0 + rw); x++) clutter.data.set(c, (y * W + x) * 3);
      }
      const { image, alpha } = composite(render, (x, y) => clutter.data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3), seed);
      let x0 = W, y0 = H, x1 = 0, y1 = 0;
      for (let i = 0; i < W * H; i++) {
        if (alpha[i] < 0.5) continue;
        const x = i % W, y = Math.floor(i / W);
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
      }
      for (const [size, m] of [['loose', 0.08], ['wide', 0.3], ['tight', 0]] as const) {
        const px = Math.round((x1 - x0) * m), py = Math.round((y1 - y0) * m);
        const bx = Math.max(0, x0 - px), by = Math.max(0, y0 - py);
        yield { name: `${category} ${seed} ${size}`, image, alpha, box: { x: bx, y: by, width: Math.min(W, x1 + px) - bx, height: Math.min(H, y1 + py) - by } };
      }
    }
  }
}

/** IoU of the true alpha and a cut's (the alpha channel of an RGBA cut, or a one-channel matte). */
const alphaIoU = (truth: Float32Array, cut: RasterImage) => maskIoU(truth, channelOf(cut));

/** One synthetic cut: its IoU against the truth and the confidence check's verdict. */
export interface SyntheticCut {
  name: string;
  iou: number;
  verdict: CutVerdict;
}

/** Which cut a synthetic set measures: the border model, the box's graph cut by colour, or seeded by the network. */
export type SyntheticSet = 'border' | 'box' | 'box-seeded';

/**
 * Cuts every scene of a set; a scene the method fails on outright is left out. `box-seeded` needs
 * the segmentation network and cuts as `kiln image --box` does (`preprocessPhoto`, with the check
 * against colour alone).
 */
export async function cutSyntheticSet(set: SyntheticSet, segmenter?: SegmentationNetwork): Promise<SyntheticCut[]> {
  if (set === 'box-seeded' && !segmenter) throw new Error('cutSyntheticSet: the box-seeded set needs a segmentation network');
  const out: SyntheticCut[] = [];
  for (const s of set === 'border' ? borderScenes() : boxScenes()) {
    try {
      if (set === 'box-seeded') {
        const box = { x: s.box!.x / W, y: s.box!.y / H, width: s.box!.width / W, height: s.box!.height / H };
        const p = await preprocessPhoto(s.image, { box, segmenter, force: true, keepPhotoMatte: true });
        out.push({ name: s.name, iou: alphaIoU(s.alpha, p.photoMatte!), verdict: p.cut! });
        continue;
      }
      const cut = s.box ? grabCut(s.image, s.box) : removeBackground(s.image);
      out.push({ name: s.name, iou: alphaIoU(s.alpha, cut.image), verdict: assessCut(cut.evidence) });
    } catch {
      // Nothing found at all (the method itself refuses): not a cut to judge.
    }
  }
  return out;
}

/** The reason's kind, from its sentence (for counting which rule refused what). */
function rule(doubt: string): string {
  const kinds: [RegExp, string][] = [[/disagree/, 'agreement'], [/not plain/, 'clutter'], [/hardly differ/, 'separation'], [/did not settle/, 'unsettled'], [/left out/, 'leftOut'], [/pieces/, 'pieces'], [/runs along/, 'sides'], [/would be/, 'coverage'], [/sliver/, 'thickness']];
  return kinds.find(([re]) => re.test(doubt))?.[1] ?? 'other';
}

/**
 * How the thresholds split a set: good and bad cuts, how many of each are refused (and by which
 * rule), and the extremes the good cuts reach on each measure (the margins the thresholds keep).
 */
export function summariseSyntheticSet(method: SyntheticSet, cuts: SyntheticCut[]): Record<string, string | number> {
  const good = cuts.filter((c) => c.iou >= 0.9), bad = cuts.filter((c) => c.iou < 0.8);
  const refused = (list: SyntheticCut[]) => list.filter((c) => c.verdict.doubts.length).length;
  const byRule = new Map<string, number>();
  for (const c of bad) for (const d of new Set(c.verdict.doubts.map(rule))) byRule.set(d, (byRule.get(d) ?? 0) + 1);
  const extreme = (f: (c: SyntheticCut) => number, pick: (...x: number[]) => number) => (good.length ? pick(...good.map(f)) : NaN);
  return {
    set: method,
    cuts: cuts.length,
    good: good.length,
    'good refused': refused(good),
    bad: bad.length,
    'bad refused': refused(bad),
    'bad refused by': [...byRule].map(([k, n]) => `${k} ${n}`).join(', '),
    'good: least separation': extreme((c) => c.verdict.separation, Math.min),
    'good: most pieces': extreme((c) => c.verdict.shape.pieces, Math.max),
    'good: least thickness': extreme((c) => c.verdict.shape.thickness, Math.min),
    'good: longest side run': extreme((c) => Math.max(...c.verdict.shape.sides), Math.max),
    'good: least coverage': extreme((c) => c.verdict.shape.coverage, Math.min),
    'good: most left out': method === 'border' ? extreme((c) => c.verdict.leftOut ?? 0, Math.max) : '–',
    'good: least agreement': method === 'box-seeded' ? extreme((c) => c.verdict.agreement ?? 1, Math.min) : '–',
  };
}
