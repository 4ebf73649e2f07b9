import { KilnError } from '../core/errors.js';
import { connectedComponents } from './connected-components.js';

/**
 * What a cut found, in the terms its confidence is judged by. Every matting path that decides on
 * its own where the object is (the border-colour model, the box prompt's graph cut, the
 * segmentation network) fills one, and
 * {@link assessCut} judges them all by the same rules; an alpha channel the user supplied is used as
 * it is.
 */
export interface CutEvidence {
  /** Which method cut: `border` (the border-colour model), `box` (the graph cut in a box) or `network` (the segmentation network). */
  method: 'border' | 'box' | 'network';
  /** The cut at the method's working resolution, 1 = object: every piece it found, the object's holes filled. */
  mask: Uint8Array;
  width: number;
  height: number;
  /**
   * The rectangle the object should lie inside, `[x0, y0, x1, y1)` in mask pixels: the whole image
   * for the border model, the box for a box cut.
   */
  frame: [number, number, number, number];
  /**
   * How far apart the object's and the background's colours are, in the method's own unit. Border
   * model: the object's mean Lab distance (ΔE) to the nearest background colour. Box cut: the mean,
   * over the box's pixels, of how much likelier a pixel is under its own side's colour model than
   * under the other's (log-likelihood ratio, clipped to ±10; with the network's prior, its
   * log-odds count too). Network: its certainty along the object's edge, the mean of |2p − 1| over
   * a band of pixels about the edge (0…1, see `edgeCertainty`).
   */
  separation: number;
  /** Box cut: share of the box's pixels that its last round still changed (0 when it settled). */
  unsettled?: number;
  /**
   * Box cut seeded by the network: how far it agrees with the colour-only cut of the same box (the
   * IoU of the two masks, see {@link cutAgreement}). Absent when the network did not seed the cut, or
   * colour alone found nothing in the box.
   */
  agreement?: number;
  /** Border model: share of the border band that differs from the background model. */
  clutter?: number;
  /**
   * Border model: pixels outside the cut that clearly differ from the background, as a share of the
   * object's area (parts of the object the cut left out, e.g. a house's walls under a kept roof).
   */
  leftOut?: number;
}

/** The shape numbers of a cut (see {@link measureCut}). */
export interface CutShape {
  /** The largest piece's area as a share of the frame's. */
  coverage: number;
  /** The second-largest piece's area as a share of the largest's (0 for one piece). */
  pieces: number;
  /** Share of each side of the frame (top, right, bottom, left) that the largest piece runs along. */
  sides: [number, number, number, number];
  /** The largest piece's widest inscribed disc's diameter over its bounding box's longer side (a disc: 1). */
  thickness: number;
}

/**
 * When a cut is doubtful. Each threshold was chosen by measurement (`npm run -s bench:preprocess`,
 * its synthetic sets with ground truth, and the benchmark photos); the numbers that justify each
 * are beside it. "Good" cuts are those with IoU ≥ 0.9 against the true alpha, "bad" below 0.8.
 * Border model: 434 rendered objects (31 categories × 2 × 5 backdrops: white, grey, yellow,
 * gradient, dark, plus 2 backdrops with the object too close) with sensor noise: 227 good, 191 bad.
 * Box cut: 157 rendered objects in random-colour clutter with a loose, a wide and a tight box: 26
 * good, 105 bad.
 */
export interface CutConfidenceOptions {
  /**
   * Border model: most of the border band that may differ from the background model. Plain
   * backdrops measure ≤ 3.1 % (benchmark photos), cluttered scenes 21–23 % (plant.jpg, box.png).
   */
  maxClutter: number;
  /**
   * Border model: least mean ΔE between object and background; 6 is a just-visible difference (the
   * threshold's own floor). Good synthetic cuts ≥ 20.7, benchmark photos that pass ≥ 9.9; the LED
   * bulb, white on white, cut as a sliver of its rim: 3.6.
   */
  minContrast: number;
  /**
   * Border model: most of the object's area that may be left out while clearly differing from the
   * background. Good synthetic cuts ≤ 0.10, benchmark photos that pass ≤ 0.17 (the apple); catches
   * objects whose other colours were cut away (a house's walls under its roof).
   */
  maxLeftOut: number;
  /**
   * Box cut: least colour-model margin (mean log-likelihood ratio per box pixel). Good synthetic
   * cuts ≥ 4.2, the benchmark photos' box cuts ≥ 4.3 (the orange); 38 of the 105 bad cuts are
   * below 3.5.
   */
  minMargin: number;
  /** Box cut: most of the box that the last round may still change. Good cuts ≤ 0.1 %; bad up to 3.9 %. */
  maxUnsettled: number;
  /**
   * Box cut seeded by the network: least agreement with the colour-only cut of the same box. Two
   * independent cuts of one box that hardly overlap mean at least one is wrong, and the seeded one
   * cannot be trusted on the network's word alone. On the box set cut with the network's seed
   * (`bench:preprocess --synthetic`, its `box-seeded` set: 173 cuts), the 74 good seeded cuts agree
   * ≥ 0.355 with colour, and 18 of the 72 bad ones fall under 0.3; the plant's seeded box cut, which
   * kept the pot and lost the leaves, agrees 0.087; apple and orange 0.98.
   */
  minAgreement: number;
  /**
   * Network: least certainty along the object's edge (mean |2p − 1| in a ring a few network pixels
   * either side of it, see `edgeCertainty`). Set on the trained network's 600 held-out composites
   * (`bench:seg`): at 0.9 the share of accepted cuts with IoU < 0.8 falls from 21 % (at 0.6) to 13 %
   * while the good cuts (IoU ≥ 0.9) refused rise only from 1.9 % to 2.5 %; above it they rise faster.
   */
  minCertainty: number;
  /**
   * Most the second-largest piece may be of the largest: more, and the cut fell into pieces (only
   * the largest would be kept). Good synthetic cuts ≤ 0.008 for both methods, benchmark photos that
   * pass ≤ 0.025; the duffel bag whose end came apart 0.26, the LED bulb 0.25.
   */
  maxPieces: number;
  /**
   * Least thickness: a thinner cut is a sliver, not an object. Good synthetic cuts ≥ 0.17 (a
   * table seen edge-on), benchmark photos that pass ≥ 0.49; the LED bulb's rim 0.12.
   */
  minThickness: number;
  /** A side of the frame counts as touched when the cut runs along at least this share of it. */
  edgeRun: number;
  /**
   * Most sides of the frame the cut may run along. Border model 0: it learns the background from
   * the border, so an object along it was partly taken for background (good synthetic cuts and the
   * benchmark photos: none). Box cut 1: an object may fill the box one way, or meet the photo's
   * edge (the plant's true matte runs along the top of its box: 1 side); the plant's box cut that
   * kept a slab of the room runs along 3 (top 0.87, right 1.0, bottom 0.73); good synthetic cuts
   * run along none (longest run 0.46). Network 1: it learns no background from the border, and a
   * subject may meet one edge of a photo (the plant's pot meets its top).
   */
  maxEdgeSides: { border: number; box: number; network: number };
  /**
   * Least coverage of the frame. Border model: 0.5 % of the photo (good synthetic cuts ≥ 3.7 %).
   * Box cut: 5 % of the box (good cuts ≥ 58 %, the benchmark photos' ≥ 47 %; cuts that found a
   * scrap of the object ≤ 5 %). Network: as the border model.
   */
  minCoverage: { border: number; box: number; network: number };
}

export const CUT_CONFIDENCE_DEFAULTS: CutConfidenceOptions = {
  maxClutter: 0.15,
  minContrast: 6,
  maxLeftOut: 0.3,
  minMargin: 3.5,
  maxUnsettled: 0.01,
  minAgreement: 0.3,
  minCertainty: 0.9,
  maxPieces: 0.1,
  minThickness: 0.15,
  edgeRun: 0.5,
  maxEdgeSides: { border: 0, box: 1, network: 1 },
  minCoverage: { border: 0.005, box: 0.05, network: 0.005 },
};

/** A cut's measures and the plain-words reasons to doubt it (none: the cut is trusted). */
export interface CutVerdict {
  method: CutEvidence['method'];
  shape: CutShape;
  separation: number;
  unsettled?: number;
  agreement?: number;
  clutter?: number;
  leftOut?: number;
  /** Why the cut is doubtful, one plain sentence each; empty when it is trusted. */
  doubts: string[];
}

/** Chamfer (3-4) distance inside the set pixels of `mask` to the nearest unset pixel, in pixels. */
function insideDistance(mask: Uint8Array, w: number, h: number): Float32Array {
  const d = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) d[p] = mask[p] ? 1e9 : 0;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : d[y * w + x]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (d[p]) d[p] = Math.min(d[p], at(x - 1, y) + 3, at(x, y - 1) + 3, at(x - 1, y - 1) + 4, at(x + 1, y - 1) + 4);
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const p = y * w + x;
      if (d[p]) d[p] = Math.min(d[p], at(x + 1, y) + 3, at(x, y + 1) + 3, at(x + 1, y + 1) + 4, at(x - 1, y + 1) + 4);
    }
  }
  for (let p = 0; p < w * h; p++) d[p] /= 3;
  return d;
}

/**
 * Measures a cut's shape: its largest piece's coverage of the frame, thickness and contact with the
 * frame's sides, and how large the next piece is.
 */
export function measureCut(e: Pick<CutEvidence, 'mask' | 'width' | 'height' | 'frame'>): CutShape {
  const { mask, width: w, height: h } = e;
  const [fx0, fy0, fx1, fy1] = e.frame;
  const comps = connectedComponents(mask, w, h);
  let largest = 0, second = 0;
  for (let i = 1; i < comps.sizes.length; i++) {
    if (comps.sizes[i] > comps.sizes[largest]) {
      second = largest;
      largest = i;
    } else if (comps.sizes[i] > comps.sizes[second]) second = i;
  }
  if (!largest) return { coverage: 0, pieces: 0, sides: [0, 0, 0, 0], thickness: 0 };
  const area = comps.sizes[largest];
  const obj = new Uint8Array(w * h);
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let p = 0; p < w * h; p++) {
    if (comps.labels[p] !== largest) continue;
    obj[p] = 1;
    const x = p % w, y = (p - x) / w;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const run = (horizontal: boolean, at: number, from: number, to: number) => {
    let n = 0;
    for (let t = from; t < to; t++) n += horizontal ? obj[at * w + t] : obj[t * w + at];
    return n / Math.max(1, to - from);
  };
  const dist = insideDistance(obj, w, h);
  let inscribed = 0;
  for (let p = 0; p < w * h; p++) inscribed = Math.max(inscribed, dist[p]);
  return {
    coverage: area / ((fx1 - fx0) * (fy1 - fy0)),
    pieces: second ? comps.sizes[second] / area : 0,
    sides: [run(true, fy0, fx0, fx1), run(false, fx1 - 1, fy0, fy1), run(true, fy1 - 1, fx0, fx1), run(false, fx0, fy0, fy1)],
    thickness: (2 * inscribed) / Math.max(x1 - x0 + 1, y1 - y0 + 1),
  };
}

const SIDE_NAMES = ['top', 'right', 'bottom', 'left'];
/** A share as a percentage for a sentence: one decimal under 9.5 %, else whole. */
export const percent = (x: number) => `${x < 0.095 ? (x * 100).toFixed(1) : Math.round(x * 100)} %`;

/**
 * How far two cuts of the same frame agree: the IoU of their masks (1 when both are empty). Both
 * must be at the same working resolution, as two `grabCut`s of one box with the same options are.
 */
export function cutAgreement(a: Pick<CutEvidence, 'mask' | 'width' | 'height'>, b: Pick<CutEvidence, 'mask' | 'width' | 'height'>): number {
  if (a.width !== b.width || a.height !== b.height) throw new KilnError('INTERNAL', `cutAgreement: the cuts are ${a.width}×${a.height} and ${b.width}×${b.height}, not the same size`);
  let both = 0, either = 0;
  for (let p = 0; p < a.mask.length; p++) {
    if (a.mask[p] && b.mask[p]) both++;
    if (a.mask[p] || b.mask[p]) either++;
  }
  return either ? both / either : 1;
}

/**
 * Judges a cut by the rules of {@link CutConfidenceOptions}: the method's own separation (and, for
 * the border model, how plain the border is and what it left out; for a box cut, whether it
 * settled and, when the network seeded it, whether colour alone agrees), then the shape every
 * method shares: pieces, contact with the frame, size, thickness.
 * Returns the measures and the reasons to doubt it, each a plain sentence.
 */
export function assessCut(e: CutEvidence, options: Partial<CutConfidenceOptions> = {}): CutVerdict {
  const o = { ...CUT_CONFIDENCE_DEFAULTS, ...options };
  const shape = measureCut(e);
  const doubts: string[] = [];
  const box = e.method === 'box';
  if (e.clutter !== undefined && e.clutter > o.maxClutter) doubts.push(`the background is not plain: ${percent(e.clutter)} of the photo's border differs from it`);
  if (e.method === 'border' && e.separation < o.minContrast) doubts.push(`the object hardly differs from the background (mean colour difference ΔE ${e.separation.toFixed(1)}; ${o.minContrast} is just visible)`);
  if (box && e.separation < o.minMargin) doubts.push(`the object's colours hardly differ from those around it in the box (colour-model margin ${e.separation.toFixed(1)}, under ${o.minMargin})`);
  if (e.method === 'network' && e.separation < o.minCertainty) doubts.push(`the segmentation network is unsure where the object ends (certainty ${e.separation.toFixed(2)} along its edge, under ${o.minCertainty})`);
  if (e.unsettled !== undefined && e.unsettled > o.maxUnsettled) doubts.push(`the cut did not settle (its last round still changed ${percent(e.unsettled)} of the box)`);
  if (e.agreement !== undefined && e.agreement < o.minAgreement) doubts.push(`the cut seeded by the segmentation network and the cut by colour alone disagree (they overlap by ${percent(e.agreement)}, under ${percent(o.minAgreement)}): at least one of them is wrong`);
  if (e.leftOut !== undefined && e.leftOut > o.maxLeftOut) doubts.push(`parts that differ from the background were left out of the cut (${percent(e.leftOut)} of its area)`);
  if (shape.pieces > o.maxPieces) doubts.push(`the cut fell apart into pieces (the second largest is ${percent(shape.pieces)} of the largest; only the largest would be kept)`);
  const touched = SIDE_NAMES.filter((_, i) => shape.sides[i] >= o.edgeRun);
  if (touched.length > o.maxEdgeSides[e.method]) {
    doubts.push(
      box
        ? `the cut runs along ${touched.length} sides of the box (${touched.join(', ')}): it kept background inside the box`
        : `the cut runs along the photo's ${touched.join(' and ')} edge${touched.length > 1 ? 's' : ''}: the object leaves the photo, or the background was kept`,
    );
  }
  const minCoverage = o.minCoverage[e.method];
  if (shape.coverage < minCoverage) doubts.push(`the object would be ${percent(shape.coverage)} of the ${box ? 'box' : 'photo'}, under ${percent(minCoverage)}`);
  else if (shape.thickness < o.minThickness) doubts.push(`the cut is a thin sliver (${percent(shape.thickness)} as wide as it is long), not a whole object`);
  return { method: e.method, shape, separation: e.separation, unsettled: e.unsettled, agreement: e.agreement, clutter: e.clutter, leftOut: e.leftOut, doubts };
}

/**
 * Judges a cut and refuses a doubtful one: a `KilnError` `DOUBTFUL_CUTOUT` whose message names every
 * reason in plain words and says what to do (draw a box; for a box cut, draw it a little larger
 * than the object), unless `force`, in which case the verdict comes back with its doubts for the
 * report. `name` prefixes the message (the operation, or which photo).
 */
export function requireConfidentCut(e: CutEvidence, force: boolean, name: string, options: Partial<CutConfidenceOptions> = {}): CutVerdict {
  const verdict = assessCut(e, options);
  if (verdict.doubts.length && !force) throw doubtfulCut(name, verdict.doubts, e.method);
  return verdict;
}

/** The refusal of a doubtful cut (`DOUBTFUL_CUTOUT`): its reasons, and what the person can do. */
export function doubtfulCut(name: string, doubts: string[], method: CutEvidence['method']): KilnError {
  const what = method === 'box' ? 'draw the box a little larger than the object, with background on every side' : 'draw a box around the object (--box x,y,w,h, or the API\'s box)';
  return new KilnError('DOUBTFUL_CUTOUT', `${name}: the cut-out is doubtful: ${doubts.join('; ')}; ${what}, or force the run (--force, API field force) to keep it anyway`);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** A verdict as plain data, for a report (see {@link cutSummary}). */
export interface CutSummary {
  method: CutVerdict['method'];
  measures: { coverage: number; pieces: number; thickness: number; sides: number[]; separation: number; unsettled?: number; agreement?: number; clutter?: number; leftOut?: number };
  doubts: string[];
  /** Set when the cut was doubtful and kept because the run was forced. */
  warning?: string;
}

/** A verdict as plain data: its measures rounded, its doubts, and a forced run's warning. */
export function cutSummary(v: CutVerdict): CutSummary {
  const optional = (x: number | undefined) => (x === undefined ? undefined : round3(x));
  return {
    method: v.method,
    measures: {
      coverage: round3(v.shape.coverage),
      pieces: round3(v.shape.pieces),
      thickness: round3(v.shape.thickness),
      sides: v.shape.sides.map(round3),
      separation: round3(v.separation),
      unsettled: optional(v.unsettled),
      agreement: optional(v.agreement),
      clutter: optional(v.clutter),
      leftOut: optional(v.leftOut),
    },
    doubts: v.doubts,
    warning: v.doubts.length ? `the cut-out is doubtful: ${v.doubts.join('; ')}; kept because the run was forced` : undefined,
  };
}
