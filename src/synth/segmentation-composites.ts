import sharp from 'sharp';
import { createRng, hashSeed, type Rng } from '../core/rng.js';
import { linearToSrgb, srgbToLinear } from '../core/srgb.js';
import { orbitCamera } from '../geometry/camera.js';
import { fromRotationY, normalize, type Vec3 } from '../geometry/mat4.js';
import { transformMesh, type Mesh } from '../geometry/mesh.js';
import { renderMesh, type Lighting } from '../render/render-mesh.js';
import type { LoadedBackground } from './segmentation-backgrounds.js';
import { renderRoom, type RoomRecord } from './segmentation-rooms.js';

/**
 * One training composite for the salient-object segmentation network: a rendered object (the
 * target, whose alpha is the exact mask) in a random pose and light, at a random scale and
 * position, over a random crop of a real photograph (or a rendered, furnished room, or,
 * sometimes, a plain or graded backdrop, so the network knows those too), with procedural clutter:
 * other rendered objects as distractors (mostly behind, smaller, often cut by the frame; sometimes
 * in front, hiding part of the target, which the mask then leaves out), contact shadows, background
 * defocus, colour casts, blur, sensor noise and JPEG artefacts.
 *
 * Objects often wear a photograph instead of their own material (a crop of one of the split's
 * pictures, shaded by the render's own light), and lights range from flat to hard with deep shade:
 * a network that saw only rendered materials learns that "flat, evenly lit colour" means object,
 * and on real photos it then finds a pot's label and misses the leaves, or keeps an orange's lit
 * half. With photographic surfaces on both sides of the edge, only shape and context tell them apart. Everything is drawn from one seeded stream per composite, so a
 * composite is the same bytes whenever it is made.
 */
export interface CompositeObject {
  /** What the record names it by (`procedural:<seed>` or `sh3d:<key>`). */
  id: string;
  /** Centred, longest side 1, upright, front +Z. */
  mesh: Mesh;
}

export interface CompositeSpec {
  /** The composite's own seed (from corpus seed, split and index). */
  seed: number;
  resolution: number;
  target: CompositeObject;
  /** Candidates for distractors (the target excluded by the caller). */
  distractors: readonly CompositeObject[];
  /** Photographs of this split; empty means synthetic backdrops only. */
  backgrounds: readonly LoadedBackground[];
  /** Share of composites over a photograph (the rest over a plain or graded backdrop). */
  photoShare: number;
  /**
   * Share of composites over a rendered, furnished room (`segmentation-rooms.ts`, furnished
   * from `distractors`), drawn before the photograph share; 0 (the default) draws nothing, so
   * corpora written without rooms stay the same bytes.
   */
  roomShare?: number;
  /** Chance the frame cuts the target (default `COMPOSITE_RANGES.targetCut`): photos of plants are often cut by it. */
  targetCut?: number;
}

/** What was drawn for one composite (the record in a shard's index). */
export interface CompositeRecord {
  target: { id: string; size: number; centre: [number, number]; yaw: number; elevation: number; fov: number; shadow: boolean; surface: SpriteSurface };
  background:
    | { kind: 'photo'; path: string; crop: [number, number, number]; flip: boolean; defocus: number }
    | { kind: 'plain' | 'gradient'; colours: number[][] }
    | (RoomRecord & { defocus: number });
  distractors: Array<{ id: string; size: number; centre: [number, number]; front: boolean; surface: SpriteSurface }>;
  cast: [number, number, number];
  blur: number;
  noise: number;
  jpeg: number | null;
  /** Share of the image that is target (mask ≥ ½). */
  coverage: number;
}

export interface Composite {
  /** uint8 RGB [H, W, 3]. */
  image: Uint8Array;
  /** uint8 [H, W]: the target's coverage (255 = all target), fractional along edges. */
  mask: Uint8Array;
  record: CompositeRecord;
}

/** Ranges of the draws (documented in one place; the record says what each composite got). */
export const COMPOSITE_RANGES = Object.freeze({
  /** The target's bounding sphere as a share of the image side. */
  targetSize: [0.4, 1] as const,
  /** Distractors: bounding sphere as a share of the image side, at most `distractorRelative` of the target's. */
  distractorSize: [0.15, 0.55] as const,
  distractorRelative: 0.65,
  /** Probabilities of 0, 1, 2, 3 distractors. */
  distractorCounts: [0.3, 0.35, 0.25, 0.1] as const,
  /** Chance a distractor stands in front of the target (kept only while ≥ 60 % of the target stays visible). */
  distractorFront: 0.12,
  /** Chance the target is placed so that the frame cuts it. */
  targetCut: 0.1,
  elevation: [-10, 50] as const,
  fov: [22, 55] as const,
  contactShadow: 0.65,
  /** Chance an object (target or distractor) wears a photograph rather than its own material. */
  photoSurface: 0.45,
  /** Light: ambient share, and the key light's strength (low ambient + strong key = hard light, deep shade). */
  ambient: [0.04, 0.5] as const,
  keyLight: [0.35, 1.1] as const,
  defocus: 0.35,
  cast: 0.6,
  blur: 0.2,
  noise: 0.65,
  jpeg: 0.5,
});

const SRGB_TO_LINEAR = Float32Array.from({ length: 256 }, (_, i) => srgbToLinear(i / 255));

/** Random lighting: a key light from a random side above, a fill, and ambient. */
function randomLighting(rng: Rng): Lighting {
  const az = rng.range(-180, 180) * (Math.PI / 180);
  const el = rng.range(20, 80) * (Math.PI / 180);
  const key: Vec3 = normalize([Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)]);
  return {
    ambient: rng.range(COMPOSITE_RANGES.ambient[0], COMPOSITE_RANGES.ambient[1]),
    lights: [
      { direction: key, intensity: rng.range(COMPOSITE_RANGES.keyLight[0], COMPOSITE_RANGES.keyLight[1]) },
      { direction: normalize([-key[0], rng.range(-0.2, 0.6), -key[2]]), intensity: rng.range(0.05, 0.35) },
    ],
  };
}

/** Radius of the mesh's bounding sphere about the origin. */
function sphereRadius(mesh: Mesh): number {
  let r2 = 0;
  const p = mesh.positions;
  for (let i = 0; i < p.length; i += 3) r2 = Math.max(r2, p[i] * p[i] + p[i + 1] * p[i + 1] + p[i + 2] * p[i + 2]);
  return Math.sqrt(r2) || 0.5;
}

/** What an object's surface shows: its own material, or a crop of a photograph (`[x0, y0, side]` of `path`). */
export type SpriteSurface = { kind: 'own' } | { kind: 'photo'; path: string; crop: [number, number, number] };

/** A rendered object: premultiplied linear RGB and alpha on a square canvas, the object at its centre. */
interface Sprite {
  size: number;
  rgb: Float32Array;
  alpha: Float32Array;
  yaw: number;
  elevation: number;
  fov: number;
  surface: SpriteSurface;
}

const luminance = (r: number, g: number, b: number) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/**
 * Renders an object so that its bounding sphere spans `fraction` of a `canvas`-pixel square: the
 * camera's distance follows from the field of view (wide lenses stand close, with their perspective).
 */
function renderSprite(object: CompositeObject, canvas: number, fraction: number, rng: Rng, lighting: Lighting, photos: readonly LoadedBackground[]): Sprite {
  const yaw = Math.round(rng.range(0, 360) * 100) / 100;
  const elevation = Math.round(rng.range(COMPOSITE_RANGES.elevation[0], COMPOSITE_RANGES.elevation[1]) * 100) / 100;
  const fov = Math.round(rng.range(COMPOSITE_RANGES.fov[0], COMPOSITE_RANGES.fov[1]) * 100) / 100;
  const mesh = transformMesh(object.mesh, fromRotationY((yaw * Math.PI) / 180));
  const r = sphereRadius(mesh);
  const distance = r / Math.sin(Math.atan(fraction * Math.tan((fov * Math.PI) / 360)));
  const camera = orbitCamera({ azimuth: 0, elevation, distance, fov }, canvas, canvas);
  const { color } = renderMesh(mesh, camera, { supersample: 2, lighting });
  const n = canvas * canvas;
  const rgb = new Float32Array(n * 3), alpha = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = color.data[i * 4 + 3];
    alpha[i] = a;
    if (a <= 0) continue;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = srgbToLinear(color.data[i * 4 + c]) * a;
  }
  let surface: SpriteSurface = { kind: 'own' };
  if (photos.length && rng.uniform() < COMPOSITE_RANGES.photoSurface) {
    // The photograph replaces the material; the light stays: each pixel keeps the render's shading
    // (lit ÷ unlit luminance), so the surface still turns from the light as the object's shape does.
    const pic = rng.pick(photos);
    const short = Math.min(pic.width, pic.height);
    const side = Math.round(short * rng.range(0.15, 0.6));
    const x0 = Math.floor(rng.range(0, pic.width - side + 1)), y0 = Math.floor(rng.range(0, pic.height - side + 1));
    const texture = new Float32Array(n * 3);
    cropPhoto(pic, x0, y0, side, canvas, false, texture);
    const flat = renderMesh(mesh, camera, { supersample: 2, shading: 'unlit' }).color;
    for (let i = 0; i < n; i++) {
      const a = alpha[i];
      if (a <= 0) continue;
      const lit = luminance(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]) / a;
      const base = luminance(srgbToLinear(flat.data[i * 4]), srgbToLinear(flat.data[i * 4 + 1]), srgbToLinear(flat.data[i * 4 + 2]));
      const shading = Math.min(2, lit / Math.max(base, 1e-3));
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.min(1, texture[i * 3 + c] * shading) * a;
    }
    surface = { kind: 'photo', path: pic.picture.path, crop: [x0, y0, side] };
  }
  return { size: canvas, rgb, alpha, yaw, elevation, fov, surface };
}

/** The alpha bounding box of a sprite, `[x0, y0, x1, y1)` (empty sprite: undefined). */
function spriteBox(s: Sprite): [number, number, number, number] | undefined {
  let x0 = s.size, y0 = s.size, x1 = -1, y1 = -1;
  for (let y = 0; y < s.size; y++) {
    for (let x = 0; x < s.size; x++) {
      if (s.alpha[y * s.size + x] < 0.02) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}

/** A sprite placed on the R×R image: its alpha and premultiplied linear colour at image coordinates. */
interface Placed {
  alpha: Float32Array;
  rgb: Float32Array;
  /** Lowest row (image coordinates) the object reaches, and its horizontal extent there. */
  bottom: number;
  centre: [number, number];
  extent: number;
}

/** Places a sprite with its box centre at (cx, cy) (integer shift; what falls outside the frame is cut). */
function place(s: Sprite, box: [number, number, number, number], R: number, cx: number, cy: number): Placed {
  const dx = Math.round(cx - (box[0] + box[2]) / 2), dy = Math.round(cy - (box[1] + box[3]) / 2);
  const alpha = new Float32Array(R * R), rgb = new Float32Array(R * R * 3);
  for (let y = box[1]; y < box[3]; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= R) continue;
    for (let x = box[0]; x < box[2]; x++) {
      const tx = x + dx;
      if (tx < 0 || tx >= R) continue;
      const a = s.alpha[y * s.size + x];
      if (a <= 0) continue;
      const q = ty * R + tx, p = y * s.size + x;
      alpha[q] = a;
      rgb[q * 3] = s.rgb[p * 3];
      rgb[q * 3 + 1] = s.rgb[p * 3 + 1];
      rgb[q * 3 + 2] = s.rgb[p * 3 + 2];
    }
  }
  return { alpha, rgb, bottom: box[3] + dy, centre: [cx, cy], extent: Math.max(box[2] - box[0], box[3] - box[1]) };
}

/** Separable box blur of a single-channel field, radius r (edges clamp the window). */
function blurField(f: Float32Array, w: number, h: number, r: number): Float32Array {
  if (r < 1) return f;
  const tmp = new Float32Array(f.length), out = new Float32Array(f.length);
  for (let y = 0; y < h; y++) {
    let s = 0;
    const row = y * w;
    for (let x = -r; x <= r; x++) s += f[row + Math.min(w - 1, Math.max(0, x))];
    for (let x = 0; x < w; x++) {
      tmp[row + x] = s / (2 * r + 1);
      s += f[row + Math.min(w - 1, x + r + 1)] - f[row + Math.max(0, x - r)];
    }
  }
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let y = -r; y <= r; y++) s += tmp[Math.min(h - 1, Math.max(0, y)) * w + x];
    for (let y = 0; y < h; y++) {
      out[y * w + x] = s / (2 * r + 1);
      s += tmp[Math.min(h - 1, y + r + 1) * w + x] - tmp[Math.max(0, y - r) * w + x];
    }
  }
  return out;
}

/** Blurs an interleaved RGB image (three box passes ≈ a Gaussian of σ ≈ r). */
function blurRgb(rgb: Float32Array, w: number, h: number, r: number): void {
  if (r < 1) return;
  const plane = new Float32Array(w * h);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < w * h; i++) plane[i] = rgb[i * 3 + c];
    let b = blurField(plane, w, h, r);
    b = blurField(b, w, h, r);
    b = blurField(b, w, h, r);
    for (let i = 0; i < w * h; i++) rgb[i * 3 + c] = b[i];
  }
}

/**
 * A contact shadow: the object's silhouette flattened onto the ground at its lowest row (squashed
 * vertically, sheared by the light's side), blurred, darkening what is behind it.
 */
function contactShadow(obj: Placed, R: number, rng: Rng): Float32Array {
  const squash = rng.range(0.08, 0.3), shear = rng.range(-0.6, 0.6);
  const shadow = new Float32Array(R * R);
  const base = Math.min(R - 1, obj.bottom);
  for (let y = 0; y < R; y++) {
    // Shadow row y samples the silhouette's row base − (base − y) / squash, up to a little below the base.
    const srcY = Math.round(base - (base - y) / squash);
    if (y > base + Math.max(2, obj.extent * 0.04) || srcY < 0 || srcY >= R) continue;
    const shift = Math.round(shear * (base - srcY) * squash);
    for (let x = 0; x < R; x++) {
      const sx = x - shift;
      if (sx < 0 || sx >= R) continue;
      shadow[y * R + x] = obj.alpha[srcY * R + sx];
    }
  }
  const r = Math.max(1, Math.round(obj.extent * rng.range(0.02, 0.07)));
  return blurField(blurField(shadow, R, R, r), R, R, r);
}

/** Bilinear sample, averaged over a k×k grid when shrinking, of a uint8 RGB picture into linear RGB. */
function cropPhoto(bg: LoadedBackground, x0: number, y0: number, side: number, R: number, flip: boolean, out: Float32Array): void {
  const scale = side / R;
  const k = Math.max(1, Math.ceil(scale));
  const { width: w, height: h, rgb } = bg;
  for (let y = 0; y < R; y++) {
    for (let x = 0; x < R; x++) {
      let r = 0, g = 0, b = 0;
      for (let j = 0; j < k; j++) {
        const fy = Math.min(h - 1, Math.max(0, y0 + (y + (j + 0.5) / k) * scale - 0.5));
        const yi = Math.min(h - 2, Math.floor(fy)), ay = fy - yi;
        for (let i = 0; i < k; i++) {
          const xx = flip ? R - 1 - x : x;
          const fx = Math.min(w - 1, Math.max(0, x0 + (xx + (i + 0.5) / k) * scale - 0.5));
          const xi = Math.min(w - 2, Math.floor(fx)), ax = fx - xi;
          const p00 = (yi * w + xi) * 3, p01 = p00 + 3, p10 = p00 + w * 3, p11 = p10 + 3;
          for (let c = 0; c < 3; c++) {
            const v = (SRGB_TO_LINEAR[rgb[p00 + c]] * (1 - ax) + SRGB_TO_LINEAR[rgb[p01 + c]] * ax) * (1 - ay) + (SRGB_TO_LINEAR[rgb[p10 + c]] * (1 - ax) + SRGB_TO_LINEAR[rgb[p11 + c]] * ax) * ay;
            if (c === 0) r += v;
            else if (c === 1) g += v;
            else b += v;
          }
        }
      }
      const q = (y * R + x) * 3;
      out[q] = r / (k * k);
      out[q + 1] = g / (k * k);
      out[q + 2] = b / (k * k);
    }
  }
}

function linearToByte(v: number): number {
  return Math.round((v <= 0 ? 0 : v >= 1 ? 1 : linearToSrgb(v)) * 255);
}

/** A random colour in linear light (sRGB uniform). */
function randomColour(rng: Rng): number[] {
  return [0, 1, 2].map(() => SRGB_TO_LINEAR[Math.floor(rng.range(0, 256))]);
}

/** A seed for composite `index` of a split of a corpus. */
export function compositeSeed(corpusSeed: number, split: string, index: number): number {
  return hashSeed(`kiln-seg/${corpusSeed}/${split}/${index}`);
}

/** Draws from discrete probabilities. */
function drawCount(rng: Rng, probabilities: readonly number[]): number {
  let u = rng.uniform();
  for (let i = 0; i < probabilities.length; i++) {
    u -= probabilities[i];
    if (u < 0) return i;
  }
  return probabilities.length - 1;
}

/**
 * Makes one composite (see the module's description). Async only for the JPEG round trip (sharp);
 * everything else is plain arithmetic on the R×R image in linear light.
 */
export async function makeComposite(spec: CompositeSpec): Promise<Composite> {
  const R = spec.resolution;
  const rng = createRng(spec.seed);
  const A = COMPOSITE_RANGES;
  const n = R * R;
  // Background, in linear RGB.
  const bg = new Float32Array(n * 3);
  let background: CompositeRecord['background'];
  if ((spec.roomShare ?? 0) > 0 && rng.uniform() < spec.roomShare!) {
    const room = renderRoom(R, rng, spec.distractors, randomLighting(rng));
    bg.set(room.rgb);
    const defocus = rng.uniform() < A.defocus ? Math.round(rng.range(1, 4)) : 0;
    blurRgb(bg, R, R, defocus);
    background = { ...room.record, defocus };
  } else if (spec.backgrounds.length && rng.uniform() < spec.photoShare) {
    const pic = rng.pick(spec.backgrounds);
    const short = Math.min(pic.width, pic.height);
    const side = Math.round(short * rng.range(0.3, 1));
    const x0 = Math.floor(rng.range(0, pic.width - side + 1)), y0 = Math.floor(rng.range(0, pic.height - side + 1));
    const flip = rng.uniform() < 0.5;
    cropPhoto(pic, x0, y0, side, R, flip, bg);
    const defocus = rng.uniform() < A.defocus ? Math.round(rng.range(1, 4)) : 0;
    blurRgb(bg, R, R, defocus);
    background = { kind: 'photo', path: pic.picture.path, crop: [x0, y0, side], flip, defocus };
  } else if (rng.uniform() < 0.5) {
    const c = randomColour(rng);
    for (let i = 0; i < n; i++) bg.set(c, i * 3);
    background = { kind: 'plain', colours: [c] };
  } else {
    const a = randomColour(rng), b = randomColour(rng);
    const angle = rng.range(0, 2 * Math.PI), ca = Math.cos(angle), sa = Math.sin(angle);
    for (let y = 0; y < R; y++) {
      for (let x = 0; x < R; x++) {
        const t = Math.min(1, Math.max(0, 0.5 + (((x / R - 0.5) * ca + (y / R - 0.5) * sa) * 1.2)));
        for (let c = 0; c < 3; c++) bg[(y * R + x) * 3 + c] = a[c] * (1 - t) + b[c] * t;
      }
    }
    background = { kind: 'gradient', colours: [a, b] };
  }
  let meanBg = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) meanBg[c] += bg[i * 3 + c] / n;
  const grey = (meanBg[0] + meanBg[1] + meanBg[2]) / 3 || 1;
  meanBg = meanBg.map((v) => v / grey);

  // The target: a random size, then a position that keeps it in the frame (or, sometimes, cut by it).
  const lighting = randomLighting(rng);
  const size = rng.range(A.targetSize[0], A.targetSize[1]);
  const targetSprite = renderSprite(spec.target, R, size, rng, lighting, spec.backgrounds);
  const tbox = spriteBox(targetSprite) ?? [R / 2 - 1, R / 2 - 1, R / 2 + 1, R / 2 + 1];
  const tw = tbox[2] - tbox[0], th = tbox[3] - tbox[1];
  const cut = rng.uniform() < (spec.targetCut ?? A.targetCut);
  // In the frame with a small margin, or, when cut, with up to 35 % of its box past an edge.
  const slackX = Math.max(0, (R - tw) / 2 + (cut ? 0.35 * tw : -2)), slackY = Math.max(0, (R - th) / 2 + (cut ? 0.35 * th : -2));
  const tcx = R / 2 + rng.range(-slackX, slackX), tcy = R / 2 + rng.range(-slackY, slackY);
  const target = place(targetSprite, tbox as [number, number, number, number], R, tcx, tcy);
  // Harmonise a little with the scene's tint (objects in a warm room look warm).
  const tint = rng.range(0, 0.35);
  const harmonise = (p: Placed) => {
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) p.rgb[i * 3 + c] *= 1 + tint * (meanBg[c] - 1);
  };
  harmonise(target);

  // Distractors: smaller objects anywhere, mostly behind the target.
  const distractors: CompositeRecord['distractors'] = [];
  const behind: Placed[] = [], front: Placed[] = [];
  const count = spec.distractors.length ? drawCount(rng, A.distractorCounts) : 0;
  for (let d = 0; d < count; d++) {
    const object = rng.pick(spec.distractors);
    const ds = Math.min(rng.range(A.distractorSize[0], A.distractorSize[1]), size * A.distractorRelative);
    const sprite = renderSprite(object, R, ds, rng, rng.uniform() < 0.7 ? lighting : randomLighting(rng), spec.backgrounds);
    const box = spriteBox(sprite);
    if (!box) continue;
    // Away from the target's middle, so that which object is the subject stays unambiguous.
    let cx = 0, cy = 0;
    for (let t = 0; t < 6; t++) {
      cx = rng.range(0, R);
      cy = rng.range(0, R);
      if (Math.hypot(cx - tcx, cy - tcy) > 0.45 * Math.max(tw, th)) break;
    }
    const placed = place(sprite, box, R, cx, cy);
    harmonise(placed);
    let inFront = rng.uniform() < A.distractorFront;
    if (inFront) {
      let kept = 0, all = 0;
      for (let i = 0; i < n; i++) {
        all += target.alpha[i];
        kept += target.alpha[i] * (1 - placed.alpha[i]);
      }
      if (kept < 0.6 * all) inFront = false;
    }
    (inFront ? front : behind).push(placed);
    distractors.push({ id: object.id, size: Math.round(ds * 1000) / 1000, centre: [Math.round(cx), Math.round(cy)], front: inFront, surface: sprite.surface });
  }

  // Contact shadows darken the background under each object standing on it.
  const shade = (p: Placed, chance: number) => {
    if (rng.uniform() >= chance) return false;
    const s = contactShadow(p, R, rng);
    const opacity = rng.range(0.25, 0.65);
    for (let i = 0; i < n; i++) {
      const k = 1 - opacity * s[i];
      bg[i * 3] *= k;
      bg[i * 3 + 1] *= k;
      bg[i * 3 + 2] *= k;
    }
    return true;
  };
  for (const p of behind) shade(p, A.contactShadow * 0.6);
  const shadow = shade(target, A.contactShadow);

  // Composite back to front (premultiplied, linear light); the mask is what of the target shows.
  const img = bg;
  const over = (p: Placed) => {
    for (let i = 0; i < n; i++) {
      const a = p.alpha[i];
      if (a <= 0) continue;
      for (let c = 0; c < 3; c++) img[i * 3 + c] = p.rgb[i * 3 + c] + img[i * 3 + c] * (1 - a);
    }
  };
  for (const p of behind) over(p);
  over(target);
  for (const p of front) over(p);
  const maskF = Float32Array.from(target.alpha);
  for (const p of front) for (let i = 0; i < n; i++) maskF[i] *= 1 - p.alpha[i];

  // Camera and sensor: colour cast and exposure, blur, noise.
  const cast: [number, number, number] = rng.uniform() < A.cast ? [rng.range(0.85, 1.15), rng.range(0.9, 1.1), rng.range(0.85, 1.15)] : [1, 1, 1];
  const exposure = rng.range(0.75, 1.3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) img[i * 3 + c] *= cast[c] * exposure;
  const blur = rng.uniform() < A.blur ? 1 : 0;
  blurRgb(img, R, R, blur);
  const noise = rng.uniform() < A.noise ? rng.range(0.004, 0.04) : 0;
  let image: Uint8Array = new Uint8Array(n * 3);
  for (let i = 0; i < n * 3; i++) {
    // Noise in the encoded (sRGB) domain, as a sensor's read noise after the tone curve looks.
    const v = linearToByte(img[i]) + (noise ? rng.normal() * noise * 255 : 0);
    image[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  const jpeg = rng.uniform() < A.jpeg ? Math.round(rng.range(30, 92)) : null;
  if (jpeg !== null) {
    const encoded = await sharp(Buffer.from(image.buffer, image.byteOffset, image.byteLength), { raw: { width: R, height: R, channels: 3 } }).jpeg({ quality: jpeg }).toBuffer();
    const { data } = await sharp(encoded).raw().toBuffer({ resolveWithObject: true });
    image = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const mask = new Uint8Array(n);
  let covered = 0;
  for (let i = 0; i < n; i++) {
    mask[i] = Math.round(Math.min(1, Math.max(0, maskF[i])) * 255);
    if (mask[i] >= 128) covered++;
  }
  return {
    image,
    mask,
    record: {
      target: { id: spec.target.id, size: Math.round(size * 1000) / 1000, centre: [Math.round(tcx), Math.round(tcy)], yaw: targetSprite.yaw, elevation: targetSprite.elevation, fov: targetSprite.fov, shadow, surface: targetSprite.surface },
      background,
      distractors,
      cast: cast.map((c) => Math.round(c * 1000) / 1000) as [number, number, number],
      blur,
      noise: Math.round(noise * 10000) / 10000,
      jpeg,
      coverage: Math.round((covered / n) * 10000) / 10000,
    },
  };
}
