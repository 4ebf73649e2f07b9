import { clamp01 } from '../core/progress.js';
import { srgbToLinear } from '../core/srgb.js';
import type { Rng } from '../core/rng.js';
import type { RasterImage } from '../core/image.js';
import { lookAtCamera, type Camera } from '../geometry/camera.js';
import { fromRotationX, fromRotationY, fromScale, fromTranslation, multiply, type Vec3 } from '../geometry/mat4.js';
import { computeBounds, transformMesh, type Mesh } from '../geometry/mesh.js';
import { plane } from '../geometry/primitives.js';
import { renderMesh, type Lighting } from '../render/render-mesh.js';
import type { CompositeObject } from './segmentation-composites.js';

/**
 * Indoor backgrounds for the segmentation composites: a room (floor, ceiling, walls) furnished with
 * catalogue objects standing on the floor, seen from sitting or standing height.
 *
 * Why: people photograph objects indoors, on desks and floors among other furniture, and the
 * desktop-background packages hold six indoor photographs of 36 (about half of the rest show
 * leaves and grass). A network taught mostly over landscapes learns that leaves are background;
 * over rooms, a plant is the odd thing out. The furniture is what the catalogue has (chairs,
 * shelves, lamps, plants too), so background clutter looks like the targets themselves.
 *
 * Units: objects come with their longest side 1 and are scaled by 0.5–1.8, so a unit is about a
 * metre; a room is 5–9 units wide and deep.
 */
export const FLOOR_KINDS = ['planks', 'tiles', 'carpet'] as const;
export type FloorKind = (typeof FLOOR_KINDS)[number];

/** What was drawn for one room (the composite's background record). */
export interface RoomRecord {
  kind: 'room';
  size: [number, number, number];
  floor: FloorKind;
  /** Wall paint and floor base colour, sRGB 0–1. */
  wall: number[];
  floorColour: number[];
  eye: [number, number, number];
  fov: number;
  furniture: Array<{ id: string; at: [number, number]; scale: number; yaw: number }>;
}

/** Ranges of the draws, in one place. */
export const ROOM_RANGES = Object.freeze({
  width: [5, 9] as const,
  depth: [5, 9] as const,
  height: [2.6, 3.4] as const,
  eyeHeight: [0.5, 1.8] as const,
  fov: [35, 65] as const,
  furniture: [2, 6] as const,
  scale: [0.5, 1.8] as const,
  /** Chance a piece stands against the back wall (as furniture mostly does). */
  againstWall: 0.5,
});

const round = (x: number, k = 100) => Math.round(x * k) / k;

/** A small square texture (sRGB RGB) of a floor covering, in a random colour of its kind. */
function floorTexture(kind: FloorKind, rng: Rng): { image: RasterImage; colour: number[] } {
  const S = 128;
  const data = new Float32Array(S * S * 3);
  let colour: number[];
  if (kind === 'planks') {
    // Boards a quarter of the tile wide, their ends staggered, each its own shade, with grain.
    const v = rng.range(0.25, 0.75);
    colour = [v, v * rng.range(0.62, 0.8), v * rng.range(0.35, 0.55)];
    const boards = 4;
    const shades = Array.from({ length: boards * 2 }, () => rng.range(0.8, 1.15));
    const offsets = Array.from({ length: boards }, () => rng.range(0, 1));
    const grain = rng.range(20, 60);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const b = Math.floor((x / S) * boards);
        const along = (y / S + offsets[b]) % 1;
        const half = along < 0.5 ? 0 : 1;
        const gap = (x % (S / boards)) < 1 || Math.abs(along - 0.5) < 0.006 ? 0.55 : 1;
        const g = 1 + 0.08 * Math.sin(along * grain + Math.sin(x * 0.7) * 1.5) + rng.range(-0.04, 0.04);
        const k = shades[b * 2 + half] * gap * g;
        for (let c = 0; c < 3; c++) data[(y * S + x) * 3 + c] = clamp01(colour[c] * k);
      }
    }
  } else if (kind === 'tiles') {
    // Two or four tiles a side, grout lighter or darker than the tile.
    const v = rng.range(0.3, 0.95);
    colour = [v * rng.range(0.85, 1), v * rng.range(0.85, 1), v * rng.range(0.85, 1)];
    const grout = rng.uniform() < 0.5 ? 0.6 : 1.25;
    const n = rng.uniform() < 0.5 ? 2 : 4;
    const cell = S / n;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const line = x % cell < 2 || y % cell < 2;
        const k = line ? grout : 1 + rng.range(-0.03, 0.03);
        for (let c = 0; c < 3; c++) data[(y * S + x) * 3 + c] = clamp01(colour[c] * k);
      }
    }
  } else {
    colour = [rng.range(0.15, 0.8), rng.range(0.15, 0.8), rng.range(0.15, 0.8)];
    for (let i = 0; i < S * S; i++) {
      const k = 1 + rng.range(-0.12, 0.12);
      for (let c = 0; c < 3; c++) data[i * 3 + c] = clamp01(colour[c] * k);
    }
  }
  return { image: { width: S, height: S, channels: 3, data }, colour: colour.map((c) => round(c, 1000)) };
}

/** Wall paint: mostly pale (white, cream, grey, a light tint), sometimes a strong colour. */
function wallColour(rng: Rng): number[] {
  if (rng.uniform() < 0.75) {
    const v = rng.range(0.7, 0.97);
    return [v * rng.range(0.92, 1), v * rng.range(0.92, 1), v * rng.range(0.9, 1)].map((c) => round(c, 1000));
  }
  return [rng.range(0.2, 0.9), rng.range(0.2, 0.9), rng.range(0.2, 0.9)].map((c) => round(c, 1000));
}

/** A plane with its texture coordinates repeated `u`×`v` times. */
function tiled(mesh: Mesh, u: number, v: number): Mesh {
  const uvs = Float32Array.from(mesh.uvs!);
  for (let i = 0; i < uvs.length; i += 2) {
    uvs[i] *= u;
    uvs[i + 1] *= v;
  }
  return { ...mesh, uvs };
}

/** Premultiplied "over" of a render (sRGB, straight alpha) onto a linear RGB image. */
function over(image: Float32Array, color: RasterImage): void {
  const d = color.data;
  for (let i = 0; i < image.length / 3; i++) {
    const a = d[i * 4 + 3];
    if (a <= 0) continue;
    for (let c = 0; c < 3; c++) image[i * 3 + c] = srgbToLinear(d[i * 4 + c]) * a + image[i * 3 + c] * (1 - a);
  }
}

/**
 * Renders a furnished room, `R`×`R`, in linear RGB, lit by `lighting`; `objects` are the
 * candidates for furniture (the composite's target is not among them).
 */
export function renderRoom(R: number, rng: Rng, objects: readonly CompositeObject[], lighting: Lighting): { rgb: Float32Array; record: RoomRecord } {
  const A = ROOM_RANGES;
  const W = rng.range(A.width[0], A.width[1]), D = rng.range(A.depth[0], A.depth[1]), H = rng.range(A.height[0], A.height[1]);
  const floorKind = FLOOR_KINDS[rng.int(FLOOR_KINDS.length)];
  const floor = floorTexture(floorKind, rng);
  const wall = wallColour(rng);
  const tile = rng.range(0.6, 1.6);
  const paint = { baseColor: [...wall, 1] as [number, number, number, number] };
  // The inside of a box without its front wall (behind the eye), each plane facing in.
  const shell: Mesh[] = [
    // The floor (y = 0), its texture repeated every `tile` units.
    tiled(transformMesh(plane(W, D, 1, { baseColor: [1, 1, 1, 1], baseColorTexture: floor.image }), fromRotationX(-Math.PI / 2)), W / tile, D / tile),
    transformMesh(plane(W, D, 1, { baseColor: [0.92, 0.92, 0.9, 1] }), multiply(fromTranslation([0, H, 0]), fromRotationX(Math.PI / 2))),
    transformMesh(plane(W, H, 1, paint), fromTranslation([0, H / 2, -D / 2])),
    transformMesh(plane(D, H, 1, paint), multiply(fromTranslation([-W / 2, H / 2, 0]), fromRotationY(Math.PI / 2))),
    transformMesh(plane(D, H, 1, paint), multiply(fromTranslation([W / 2, H / 2, 0]), fromRotationY(-Math.PI / 2))),
  ];
  const eye: Vec3 = [rng.range(-W / 4, W / 4), rng.range(A.eyeHeight[0], A.eyeHeight[1]), D / 2 - 0.3];
  const target: Vec3 = [rng.range(-W / 4, W / 4), rng.range(0, 1.2), rng.range(-D / 2 + 1, 0)];
  const fov = round(rng.range(A.fov[0], A.fov[1]));
  const camera: Camera = lookAtCamera({ eye, target, fovDeg: fov, width: R, height: R });

  const furniture: RoomRecord['furniture'] = [];
  const placed: Array<{ mesh: Mesh; distance: number }> = [];
  const count = objects.length ? A.furniture[0] + rng.int(A.furniture[1] - A.furniture[0] + 1) : 0;
  for (let k = 0; k < count; k++) {
    const object = rng.pick(objects);
    const scale = round(rng.range(A.scale[0], A.scale[1]));
    const yaw = round(rng.range(0, 360));
    const turned = transformMesh(object.mesh, multiply(fromScale(scale), fromRotationY((yaw * Math.PI) / 180)));
    const b = computeBounds(turned);
    const halfDepth = (b.max[2] - b.min[2]) / 2;
    const x = rng.range(-W / 2 + 0.5, W / 2 - 0.5);
    const z = rng.uniform() < A.againstWall ? -D / 2 + halfDepth + 0.02 : rng.range(-D / 2 + 0.5, D / 2 - 2);
    // Standing on the floor: the lowest point at y = 0.
    const mesh = transformMesh(turned, fromTranslation([x - (b.min[0] + b.max[0]) / 2, -b.min[1], z - (b.min[2] + b.max[2]) / 2]));
    placed.push({ mesh, distance: Math.hypot(x - eye[0], z - eye[2]) });
    furniture.push({ id: object.id, at: [round(x), round(z)], scale, yaw });
  }

  const rgb = new Float32Array(R * R * 3);
  // Seen from inside a box, no face hides another, so the shell needs no depth test; the furniture
  // is drawn far to near (painter's order: the pieces stand apart on the floor).
  for (const mesh of shell) over(rgb, renderMesh(mesh, camera, { supersample: 1, lighting }).color);
  placed.sort((a, b) => b.distance - a.distance);
  for (const p of placed) over(rgb, renderMesh(p.mesh, camera, { supersample: 2, lighting }).color);
  return {
    rgb,
    record: { kind: 'room', size: [round(W), round(D), round(H)], floor: floorKind, wall, floorColour: floor.colour, eye: eye.map((v) => round(v)) as [number, number, number], fov, furniture },
  };
}
