import { KilnError } from '../core/errors.js';
import { cross, dot, normalize, sub, type Mat4, type Vec3 } from './mat4.js';

/**
 * Cameras. This module is the one place that defines kiln's conventions:
 *
 * - **World**: glTF's — right-handed, +Y up, metres (or any unit); an object's front faces +Z.
 * - **Camera space**: the camera at the origin looking down −Z, +X to the right, +Y up (glTF and
 *   OpenGL cameras).
 * - **Image**: pixel (0, 0) is the top-left pixel; x grows to the right, y downwards; the centre of
 *   pixel (i, j) is at (i + 0.5, j + 0.5). Pinhole intrinsics with square pixels and the principal
 *   point at the image centre.
 * - **Depth**: the distance along the optical axis, i.e. −z in camera space; positive in front.
 * - **Orbit** (see {@link orbitCamera}): azimuth 0° puts the camera on the +Z axis (seeing the
 *   front), 90° on the +X axis; elevation +θ lifts it above the XZ plane and looks down.
 *
 * Renderer, reconstruction, training data and benchmarks all build cameras here, so a camera means
 * the same thing everywhere.
 */
export interface Camera {
  /** World → camera transform (rigid), column-major. */
  view: Mat4;
  /** Camera position in world space. */
  position: Vec3;
  /** Vertical field of view in radians. */
  fovY: number;
  width: number;
  height: number;
  near: number;
  far: number;
}

export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

export interface LookAtOptions {
  eye: Vec3;
  target?: Vec3;
  up?: Vec3;
  /** Vertical field of view in degrees. */
  fovDeg: number;
  width: number;
  height: number;
  near?: number;
  far?: number;
}

export const CAMERA_DEFAULTS = { near: 0.01, far: 100 } as const;

/** A camera at `eye` looking at `target` (default the origin) with `up` (default +Y) roughly up. */
export function lookAtCamera(options: LookAtOptions): Camera {
  const { eye, width, height, fovDeg } = options;
  const target = options.target ?? [0, 0, 0];
  if (!(fovDeg > 0 && fovDeg < 180)) throw new KilnError('INVALID_INPUT', `lookAtCamera: field of view must be in (0, 180) degrees, got ${fovDeg}`);
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new KilnError('INVALID_INPUT', `lookAtCamera: image size must be positive integers, got ${width}×${height}`);
  }
  const forward = normalize(sub(target, eye));
  if (forward[0] === 0 && forward[1] === 0 && forward[2] === 0) throw new KilnError('INVALID_INPUT', 'lookAtCamera: eye and target coincide');
  let up = normalize(options.up ?? [0, 1, 0]);
  // Looking straight along `up` leaves the roll undefined; pick a stable alternative.
  if (Math.abs(dot(forward, up)) > 0.9999) up = Math.abs(forward[2]) < 0.9 ? [0, 0, forward[1] > 0 ? 1 : -1] : [0, 1, 0];
  const right = normalize(cross(forward, up));
  const trueUp = cross(right, forward);
  // Rows of the rotation are the camera axes in world space: x = right, y = up, z = −forward.
  const back: Vec3 = [-forward[0], -forward[1], -forward[2]];
  const view = new Float64Array([
    right[0], trueUp[0], back[0], 0,
    right[1], trueUp[1], back[1], 0,
    right[2], trueUp[2], back[2], 0,
    -dot(right, eye), -dot(trueUp, eye), -dot(back, eye), 1,
  ]);
  return {
    view,
    position: [...eye],
    fovY: (fovDeg * Math.PI) / 180,
    width,
    height,
    near: options.near ?? CAMERA_DEFAULTS.near,
    far: options.far ?? CAMERA_DEFAULTS.far,
  };
}

/** One view of an orbit rig: angles in degrees, distance in world units (from the target). */
export interface OrbitView {
  azimuth: number;
  elevation: number;
  distance: number;
  /** Vertical field of view in degrees. */
  fov: number;
}

/** The world position of an orbit camera around `target`. */
export function orbitPosition(view: OrbitView, target: Vec3 = [0, 0, 0]): Vec3 {
  const az = (view.azimuth * Math.PI) / 180;
  const el = (view.elevation * Math.PI) / 180;
  return [
    target[0] + view.distance * Math.cos(el) * Math.sin(az),
    target[1] + view.distance * Math.sin(el),
    target[2] + view.distance * Math.cos(el) * Math.cos(az),
  ];
}

/** A camera on an orbit around `target`, looking at it, +Y up. */
export function orbitCamera(view: OrbitView, width: number, height: number, target: Vec3 = [0, 0, 0]): Camera {
  return lookAtCamera({ eye: orbitPosition(view, target), target, fovDeg: view.fov, width, height });
}

/** Pinhole intrinsics in pixels: fy = (height / 2) / tan(fovY / 2), square pixels, centred. */
export function intrinsics(camera: Camera): Intrinsics {
  const fy = camera.height / 2 / Math.tan(camera.fovY / 2);
  return { fx: fy, fy, cx: camera.width / 2, cy: camera.height / 2 };
}

/** World point → camera space. */
export function worldToCamera(camera: Camera, p: Vec3): Vec3 {
  const m = camera.view;
  return [
    m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12],
    m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13],
    m[2] * p[0] + m[6] * p[1] + m[10] * p[2] + m[14],
  ];
}

/**
 * Projects a world point to `[x, y, depth]`: continuous pixel coordinates (see the module's image
 * convention) and depth along the optical axis. Points behind the camera get depth ≤ 0.
 */
export function projectPoint(camera: Camera, p: Vec3): Vec3 {
  const [xc, yc, zc] = worldToCamera(camera, p);
  const { fx, fy, cx, cy } = intrinsics(camera);
  const depth = -zc;
  return [cx + (fx * xc) / depth, cy - (fy * yc) / depth, depth];
}

/** The world-space ray through continuous pixel coordinates (x, y): origin and unit direction. */
export function pixelRay(camera: Camera, x: number, y: number): { origin: Vec3; direction: Vec3 } {
  const { fx, fy, cx, cy } = intrinsics(camera);
  const dc: Vec3 = [(x - cx) / fx, -(y - cy) / fy, -1];
  const m = camera.view; // rotation part is orthonormal: camera → world is its transpose
  const d: Vec3 = [
    m[0] * dc[0] + m[1] * dc[1] + m[2] * dc[2],
    m[4] * dc[0] + m[5] * dc[1] + m[6] * dc[2],
    m[8] * dc[0] + m[9] * dc[1] + m[10] * dc[2],
  ];
  return { origin: [...camera.position], direction: normalize(d) };
}

/**
 * The OpenGL-style projection matrix (camera space → clip space, depth to [−1, 1]) for this camera,
 * for handing the same camera to three.js or WebGL.
 */
export function projectionMatrix(camera: Camera): Mat4 {
  const f = 1 / Math.tan(camera.fovY / 2);
  const aspect = camera.width / camera.height;
  const { near: n, far: fr } = camera;
  const m = new Float64Array(16);
  m[0] = f / aspect;
  m[5] = f;
  m[10] = (fr + n) / (n - fr);
  m[11] = -1;
  m[14] = (2 * fr * n) / (n - fr);
  return m;
}
