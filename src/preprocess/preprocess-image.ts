import { KilnError } from '../core/errors.js';
import { createImage, type RasterImage } from '../core/image.js';
import type { OperationOptions } from '../core/progress.js';
import { cropToObject } from './crop-to-object.js';
import { shrinkImage } from './shrink-image.js';
import { boxInPixels, grabCut, type GrabCutOptions, type GrabCutResult, type PixelBox, type RelativeBox } from './grab-cut.js';
import { removeBackground, type RemoveBackgroundOptions } from './remove-background.js';
import { assessCut, CUT_CONFIDENCE_DEFAULTS, cutAgreement, doubtfulCut, percent, requireConfidentCut, type CutConfidenceOptions, type CutVerdict } from './cut-confidence.js';
import { networkCut, type NetworkCutOptions } from './network-cut.js';
import type { Saliency, SegmentationNetwork } from './segment-network.js';

export interface PreprocessOptions extends OperationOptions {
  /** The model's condition size (from its manifest). */
  size: number;
  /** Square side as a multiple of the object's longer side. */
  margin: number;
  /** Side of the high-resolution cut-out kept for `input.png` and texturing. */
  cutoutSize: number;
  background: Partial<RemoveBackgroundOptions>;
  /**
   * Longer side that a photo is shrunk to before anything else. 2048 px keeps the 512 px cut-out
   * sharp for any object covering a quarter of the photo's longer side or more, and bounds memory: a
   * 6300² photo would otherwise be 635 MB as float RGBA, times the copies segmentation makes.
   * Readers of files should decode at this size already (`readImage`'s `maxSide`).
   */
  maxSide: number;
  /**
   * Where the object is (from the person: CLI `--box`, API `box`, drawn in the web app). Inside it
   * the object is cut by `grabCut`, which needs no plain backdrop; without it, `removeBackground`.
   * On a cut-out with transparency, the alpha is kept inside the box and cleared outside it.
   */
  box?: RelativeBox;
  grabCut: Partial<GrabCutOptions>;
  /** When a cut made here (not a supplied alpha) is doubtful: see `assessCut`. */
  confidence: Partial<CutConfidenceOptions>;
  /**
   * The segmentation network's answer for this photo (`SegmentationNetwork.predict`). With a box it
   * seeds the box's graph cut; without one the network cuts the object (`networkCut`: the guided
   * filter lifts its mask to the photo's resolution) instead of the border model. An alpha channel
   * is still used as it is. `preprocessPhoto` decides when to ask the network.
   */
  saliency?: Saliency;
  network: Partial<NetworkCutOptions>;
  /**
   * Keep a doubtful cut instead of refusing it (`DOUBTFUL_CUTOUT`); its doubts come back in `cut`.
   * The person asked for it: a refusal's own message offers it.
   */
  force: boolean;
  /**
   * Also hand back the cut at the photo's own resolution (`photoMatte`), for scoring it against a
   * ground-truth matte. Off in the pipeline: it would keep up to 16 MB (2048², float) alive per job.
   */
  keepPhotoMatte: boolean;
}

export const PREPROCESS_DEFAULTS: PreprocessOptions = { size: 64, margin: 1.15, cutoutSize: 512, background: {}, maxSide: 2048, grabCut: {}, confidence: {}, network: {}, force: false, keepPhotoMatte: false };

export interface PreprocessedImage {
  /** What the model sees: the object centred in a `size`² RGBA square. */
  condition: RasterImage;
  /** The same framing at `cutoutSize`², for `input.png` and as a texture source. */
  cutout: RasterImage;
  /** Where the matte came from (`box`: the graph cut in the box, seeded by the network when there is one). */
  matte: 'alpha' | 'background-removal' | 'box' | 'network';
  /** Fraction of the input that is object. */
  coverage: number;
  /** How far the cut is to be trusted, with the reasons to doubt it (absent for a supplied alpha). */
  cut?: CutVerdict;
  /** The cut's alpha (one channel) at the photo's resolution after `maxSide`; only with `keepPhotoMatte`. */
  photoMatte?: RasterImage;
}

/** True when an RGBA image's alpha actually separates something (not all opaque or all clear). */
function hasUsefulAlpha(image: RasterImage): boolean {
  if (image.channels !== 4) return false;
  let clear = 0, solid = 0;
  for (let i = 3; i < image.data.length; i += 4) {
    if (image.data[i] < 0.5) clear++;
    else solid++;
  }
  return clear > 0 && solid > 0;
}

/**
 * Decoded photo → what the multi-view model and the texture stage need. A photo larger than
 * `maxSide` is shrunk first, so nothing after allocates at its full size. An existing alpha channel
 * is honoured; with a `box`, the object inside it is cut by `grabCut` (seeded by the network's
 * `saliency` when given); otherwise, with `saliency`, the network cuts it (`networkCut`), and without,
 * a plain background is removed (see `removeBackground`). A cut made here is judged by `assessCut` and a doubtful one
 * refused (`DOUBTFUL_CUTOUT`, its reasons in the message) unless `force`. The object is then cropped
 * to a square with a margin (the same rule the model was trained with) at the condition size and
 * at a larger size for the output folder.
 */
export function preprocessImage(image: RasterImage, options: Partial<PreprocessOptions> = {}): PreprocessedImage {
  const o = { ...PREPROCESS_DEFAULTS, ...options };
  image = shrinkImage(image, o.maxSide);
  let rgba: RasterImage;
  let matte: PreprocessedImage['matte'];
  let coverage: number;
  let cut: CutVerdict | undefined;
  if (hasUsefulAlpha(image)) {
    rgba = o.box ? clearOutside(image, boxInPixels(o.box, image.width, image.height)) : image;
    matte = 'alpha';
    let solid = 0;
    for (let i = 3; i < rgba.data.length; i += 4) if (rgba.data[i] >= 0.5) solid++;
    if (!solid) throw new KilnError('INVALID_INPUT', 'preprocessImage: the box holds no opaque pixels of the cut-out');
    coverage = solid / (image.width * image.height);
  } else if (image.channels === 4 && image.data.every((v, i) => i % 4 !== 3 || v < 0.5)) {
    throw new KilnError('INVALID_INPUT', 'preprocessImage: the image is fully transparent');
  } else if (o.box) {
    const box = boxInPixels(o.box, image.width, image.height);
    const prior = o.saliency && { prob: o.saliency.prob, width: o.saliency.width, height: o.saliency.height, region: o.saliency.region };
    const boxCut = prior ? seededBoxCut(image, box, prior, o) : grabCut(image, box, { ...o.grabCut, signal: o.signal });
    cut = requireConfidentCut(boxCut.evidence, o.force, 'preprocessImage', o.confidence);
    rgba = boxCut.image;
    matte = 'box';
    coverage = boxCut.coverage;
  } else if (o.saliency) {
    const cutByNetwork = networkCut(image, o.saliency, o.network);
    cut = requireConfidentCut(cutByNetwork.evidence, o.force, 'preprocessImage', o.confidence);
    rgba = cutByNetwork.image;
    matte = 'network';
    coverage = cutByNetwork.coverage;
  } else {
    const removed = removeBackground(image, { ...o.background, signal: o.signal });
    cut = requireConfidentCut(removed.evidence, o.force, 'preprocessImage', o.confidence);
    rgba = removed.image;
    matte = 'background-removal';
    coverage = removed.coverage;
  }
  if (rgba.channels !== 4) rgba = withOpaqueAlpha(rgba);
  return {
    condition: cropToObject(rgba, { size: o.size, margin: o.margin }),
    cutout: cropToObject(rgba, { size: o.cutoutSize, margin: o.margin }),
    matte,
    coverage,
    cut,
    ...(o.keepPhotoMatte ? { photoMatte: alphaOf(rgba) } : {}),
  };
}

/** A cut refused as doubtful (`DOUBTFUL_CUTOUT`). */
const isRefusal = (err: unknown): err is KilnError => err instanceof KilnError && err.code === 'DOUBTFUL_CUTOUT';
/** A method that found nothing to cut (`INVALID_INPUT`). */
const isNothingFound = (err: unknown): err is KilnError => err instanceof KilnError && err.code === 'INVALID_INPUT';

/**
 * The graph cut in a box seeded by the network's prior, checked against the cut by colour alone of
 * the same box: when the two hardly agree and colour alone is trusted, colour's cut is the cut;
 * otherwise how far they agree goes into its evidence (`agreement`), so that a seed which
 * led the cut to the wrong thing (the plant's pot, not its leaves) is refused rather than trusted on
 * the network's word. A network that sees nothing in the box must not veto the person's box: then
 * the colour-only cut is the cut.
 */
function seededBoxCut(image: RasterImage, box: PixelBox, prior: NonNullable<GrabCutOptions['prior']>, o: PreprocessOptions): GrabCutResult {
  let colourOnly: GrabCutResult | undefined;
  try {
    colourOnly = grabCut(image, box, { ...o.grabCut, signal: o.signal });
  } catch (err) {
    if (!isNothingFound(err)) throw err;
  }
  let seeded: GrabCutResult;
  try {
    seeded = grabCut(image, box, { ...o.grabCut, prior, signal: o.signal });
  } catch (err) {
    if (!isNothingFound(err) || !colourOnly) throw err;
    return colourOnly;
  }
  if (!colourOnly) return seeded;
  const agreement = cutAgreement(seeded.evidence, colourOnly.evidence);
  // Two cuts of one box that hardly agree: at least one is wrong. When colour alone is trusted by its
  // own checks, the network led the seeded cut astray (a red mug over coloured blocks: colour alone
  // IoU 0.995, seeded 0.26) and colour's cut is the cut; otherwise the disagreement goes into the
  // seeded cut's verdict, which refuses it (the plant: the network saw the pot, colour kept the room).
  const { minAgreement } = { ...CUT_CONFIDENCE_DEFAULTS, ...o.confidence };
  if (agreement < minAgreement && assessCut(colourOnly.evidence, o.confidence).doubts.length === 0) return colourOnly;
  return { ...seeded, evidence: { ...seeded.evidence, agreement } };
}

/** The alpha channel of an RGBA image, as a one-channel image. */
function alphaOf(image: RasterImage): RasterImage {
  const out = createImage(image.width, image.height, 1);
  for (let i = 0, n = image.width * image.height; i < n; i++) out.data[i] = image.data[i * 4 + 3];
  return out;
}

/** A copy of an RGBA image with alpha cleared outside a box. */
function clearOutside(image: RasterImage, box: PixelBox): RasterImage {
  const out = { ...image, data: image.data.slice() };
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (x + 0.5 < box.x || x + 0.5 > box.x + box.width || y + 0.5 < box.y || y + 0.5 > box.y + box.height) out.data[(y * image.width + x) * 4 + 3] = 0;
    }
  }
  return out;
}

function withOpaqueAlpha(image: RasterImage): RasterImage {
  const out = createImage(image.width, image.height, 4);
  for (let i = 0, n = image.width * image.height; i < n; i++) {
    for (let c = 0; c < 3; c++) out.data[i * 4 + c] = image.data[i * image.channels + Math.min(c, image.channels - 1)];
    out.data[i * 4 + 3] = 1;
  }
  return out;
}

/** Whether an error is a cut that can be retried by another method (refused as doubtful, or nothing found). */
function isCutFailure(err: unknown): boolean {
  return isRefusal(err) || isNothingFound(err);
}

/**
 * `preprocessImage` with the segmentation network, when one is given (the pipeline passes the
 * installed one, `installedSegmentationNetwork`). Which cut is used:
 *
 * 1. an alpha channel that separates something: as it is (the network is not asked);
 * 2. a box: the graph cut in the box, seeded by the network (which sees the box and a tenth of its
 *    size around it); when the cut by colour alone of the same box hardly agrees with it, colour's
 *    cut if its own checks trust it, else refused; should the network see nothing there, by colour
 *    alone, as without a network;
 * 3. otherwise the border model first (exact on a plain backdrop); when `assessCut` trusts its cut
 *    (which includes a plain border: ≤ 15 % of the border band unlike the background), the network
 *    cuts the photo too, and the border model's cut is used when the two agree (IoU ≥
 *    {@link BORDER_NETWORK_AGREEMENT}); when they disagree and the network's cut is trusted, the
 *    network's is used (a trusted border that still disagrees has shadows or a shaded side the
 *    colour model took for backdrop: the apple's dark base, the orange's shaded half); when they
 *    disagree and the network doubts its own cut, the cut is refused;
 * 4. when the border model's cut is doubtful, or it found nothing, the network cuts the object
 *    (refined by the guided filter) and that cut is judged by the same checks plus the network's
 *    own certainty along the edge; a doubtful one is refused as before (unless `force`). Should
 *    the network mark nothing, the border model's doubtful cut is refused with its own reasons (or
 *    kept, when forced), as without a network.
 *
 * Without a network this is `preprocessImage` exactly.
 */
export async function preprocessPhoto(image: RasterImage, options: Partial<PreprocessOptions> & { network?: Partial<NetworkCutOptions>; segmenter?: SegmentationNetwork } = {}): Promise<PreprocessedImage> {
  const { segmenter, ...rest } = options;
  if (!segmenter || rest.saliency) return preprocessImage(image, rest);
  const o = { ...PREPROCESS_DEFAULTS, ...rest };
  const photo = shrinkImage(image, o.maxSide);
  if (hasUsefulAlpha(photo) || photo.channels === 4 && photo.data.every((v, i) => i % 4 !== 3 || v < 0.5)) return preprocessImage(photo, rest);
  let borderRefusal: KilnError | undefined;
  let byBorder: PreprocessedImage | undefined;
  if (!o.box) {
    try {
      byBorder = preprocessImage(photo, { ...rest, force: false, keepPhotoMatte: true });
    } catch (err) {
      if (!isCutFailure(err)) throw err;
      if (isRefusal(err)) borderRefusal = err;
    }
  }
  const saliency = o.box ? await predictInBox(segmenter, photo, o.box, o.signal) : await segmenter.predict(photo, o.signal);
  if (byBorder) return withPhotoMatteIf(borderOrNetwork(photo, byBorder, { ...rest, saliency }), o.keepPhotoMatte);
  try {
    return preprocessImage(photo, { ...rest, saliency });
  } catch (err) {
    // The network sees nothing where the border model's cut was doubtful: that cut and its reasons
    // stand, refused as without a network, or kept when forced.
    if (!borderRefusal || !isNothingFound(err)) throw err;
    if (o.force) return preprocessImage(photo, rest);
    throw borderRefusal;
  }
}

/**
 * Least IoU (at the photo's resolution) between a trusted border cut and the network's cut for the
 * border cut to stand. Two right cuts of a plain backdrop agree closely (the teapot: 0.99); the
 * border cuts the benchmark photos show to be wrong agree 0.55–0.87 (their shadowed or shaded parts
 * left out). On the held-out composites whose border cut is trusted, 0.7–0.95 all lift the mean IoU
 * from 0.72 to 0.86–0.89 (README, *Confidence instead of silence*).
 */
export const BORDER_NETWORK_AGREEMENT = 0.9;

/**
 * A trusted border cut (with its `photoMatte`) against the network's cut of the same photo: the
 * border's when they agree or the network finds nothing; the network's when they disagree and it is
 * trusted; and when they disagree and the network doubts its own cut, neither is to be trusted, so
 * the cut is refused (kept, the doubt recorded, when forced).
 */
function borderOrNetwork(photo: RasterImage, byBorder: PreprocessedImage, options: Partial<PreprocessOptions>): PreprocessedImage {
  let byNetwork: PreprocessedImage;
  try {
    byNetwork = preprocessImage(photo, { ...options, force: true, keepPhotoMatte: true });
  } catch (err) {
    if (!isNothingFound(err)) throw err;
    return byBorder;
  }
  // A plain loop: `Uint8Array.from(data, mapFn)` collects every mapped value into a JS array first
  // (4 M boxed numbers for a 2048² photo: 3 s and 250 MB of heap each).
  const asMask = (m: RasterImage) => {
    const mask = new Uint8Array(m.data.length);
    for (let i = 0; i < mask.length; i++) mask[i] = m.data[i] >= 0.5 ? 1 : 0;
    return { mask, width: m.width, height: m.height };
  };
  const agreement = cutAgreement(asMask(byBorder.photoMatte!), asMask(byNetwork.photoMatte!));
  if (agreement >= BORDER_NETWORK_AGREEMENT) return byBorder;
  const networkDoubts = byNetwork.cut!.doubts;
  if (!networkDoubts.length) return byNetwork;
  const doubt = `the border model's cut and the segmentation network's overlap by only ${percent(agreement)} (under ${percent(BORDER_NETWORK_AGREEMENT)}), and the network doubts its own cut (${networkDoubts.join('; ')})`;
  if (!options.force) throw doubtfulCut('preprocessImage', [doubt], 'border');
  return { ...byBorder, cut: { ...byBorder.cut!, doubts: [doubt] } };
}

/** The result without its photo-resolution matte unless it was asked for (it holds up to 16 MB). */
function withPhotoMatteIf(result: PreprocessedImage, keep: boolean): PreprocessedImage {
  if (keep) return result;
  const { photoMatte: _dropped, ...rest } = result;
  return rest;
}

/** Margin around a box, as a share of its size each side, that the network sees with it. */
const BOX_CONTEXT = 0.1;

/**
 * The network's saliency for what is in a box: it sees the box and a tenth of its size around it,
 * framed like its training composites (the object a third of the frame or more), not lost in a
 * wide photo. The result's `region` says where in the photo it lies.
 */
export async function predictInBox(segmenter: SegmentationNetwork, photo: RasterImage, relative: RelativeBox, signal?: AbortSignal): Promise<Saliency> {
  const box = boxInPixels(relative, photo.width, photo.height);
  const mx = box.width * BOX_CONTEXT, my = box.height * BOX_CONTEXT;
  const x0 = Math.max(0, Math.floor(box.x - mx)), y0 = Math.max(0, Math.floor(box.y - my));
  const x1 = Math.min(photo.width, Math.ceil(box.x + box.width + mx)), y1 = Math.min(photo.height, Math.ceil(box.y + box.height + my));
  if (x1 - x0 < 8 || y1 - y0 < 8) return segmenter.predict(photo, signal);
  const region = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  return { ...(await segmenter.predict(cropRegion(photo, region), signal)), region };
}

/** A copy of a rectangle of an image. */
function cropRegion(image: RasterImage, r: PixelBox): RasterImage {
  const out = createImage(r.width, r.height, image.channels);
  const c = image.channels;
  for (let y = 0; y < r.height; y++) out.data.set(image.data.subarray(((r.y + y) * image.width + r.x) * c, ((r.y + y) * image.width + r.x + r.width) * c), y * r.width * c);
  return out;
}
