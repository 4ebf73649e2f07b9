import { createImage, type RasterImage } from '../core/image.js';
import { linearToSrgbFast, srgbToLinearFast } from '../core/srgb.js';
import { KilnError } from '../core/errors.js';
import type { Camera } from '../geometry/camera.js';
import { normalize, type Vec3 } from '../geometry/mat4.js';
import { meshMaterials, type Mesh } from '../geometry/mesh.js';
import { rasterizeVisibility } from './rasterize.js';
import { linearTexture, sampleBilinear, type LinearTexture } from './sample-texture.js';

/** A directional light: `direction` points from the surface towards the light, in world space. */
export interface DirectionalLight {
  direction: Vec3;
  intensity: number;
}

export interface Lighting {
  ambient: number;
  lights: DirectionalLight[];
}

export interface RenderOptions {
  /** `lit`: base colour × (ambient + Lambert); `unlit`: base colour only (for textures, masks, tests). */
  shading: 'lit' | 'unlit';
  /** Samples per pixel along each axis (1 = no anti-aliasing; 2 = 4 samples per pixel). */
  supersample: number;
  /** Colour behind the object, sRGB RGBA with straight alpha; the default is transparent. */
  background: [number, number, number, number];
  /** Fixed in world space, so that every view of an object is lit the same way. */
  lighting: Lighting;
  /** Skip back faces (off by default: meshes may be open, and backs are shaded as fronts). */
  cullBackFaces: boolean;
  /** Also return the world-space normal buffer (the shading normal, turned to face the camera). */
  normals: boolean;
  /** Also return the mesh-space position buffer. */
  positions: boolean;
  signal?: AbortSignal;
}

/**
 * Soft studio lighting: a key light above the front, a weaker fill from behind, and ambient, so
 * that views from any side read clearly and agree with one another.
 */
export const DEFAULT_LIGHTING: Lighting = Object.freeze({
  ambient: 0.35,
  lights: [
    { direction: normalize([0.35, 1, 0.6]), intensity: 0.55 },
    { direction: normalize([-0.5, 0.25, -0.8]), intensity: 0.3 },
  ],
}) as Lighting;

export const RENDER_DEFAULTS: RenderOptions = Object.freeze({
  shading: 'lit',
  supersample: 2,
  background: [0, 0, 0, 0],
  lighting: DEFAULT_LIGHTING,
  cullBackFaces: false,
  normals: false,
  positions: false,
}) as RenderOptions;

/**
 * One rendered view. `color` is sRGB RGBA with straight alpha (alpha = coverage, fractional along
 * edges when supersampled). `depth` is the distance along the optical axis, 0 where nothing was hit;
 * with supersampling, depth, normals and positions average the covered samples of a pixel.
 */
export interface RenderResult {
  color: RasterImage;
  depth: Float32Array;
  normal?: Float32Array;
  position?: Float32Array;
}

/**
 * Renders a mesh from a camera with the software rasteriser: z-buffered visibility with near-plane
 * clipping, perspective-correct attributes, bilinear texture sampling in linear light, Lambert and
 * ambient lighting, and supersampled anti-aliasing. Each material group draws with its own colour
 * and texture; a texture's alpha below ½ cuts the surface out, while a material's opacity factor is
 * ignored (surfaces are opaque: callers that want glass see-through or gone remove those groups).
 *
 * @example
 * const { color, depth } = renderMesh(mesh, orbitCamera({ azimuth: 30, elevation: 20, distance: 2.5, fov: 30 }, 512, 512));
 */
export function renderMesh(mesh: Mesh, camera: Camera, options: Partial<RenderOptions> = {}): RenderResult {
  const o: RenderOptions = { ...RENDER_DEFAULTS, ...options };
  const s = o.supersample;
  if (!Number.isInteger(s) || s < 1 || s > 8) throw new KilnError('INVALID_INPUT', `renderMesh: supersample must be an integer in 1…8, got ${s}`);
  const pos = mesh.positions;
  const idx = mesh.indices;
  const nrm = mesh.normals;
  const uvs = mesh.uvs;
  const col = mesh.colors;
  const { materials, perTriangle } = meshMaterials(mesh);
  const textures = materials.map((m) => (m.baseColorTexture && uvs ? linearTexture(m.baseColorTexture) : undefined));
  const cutout = alphaCutout(mesh, textures, perTriangle);
  const vis = rasterizeVisibility(mesh, camera, { scale: s, cullBackFaces: o.cullBackFaces, signal: o.signal, cutout });
  const { width: W, triangle, b1, b2, inverseDepth } = vis;
  const lit = o.shading === 'lit';
  const lights = o.lighting.lights.map((l) => ({ d: normalize(l.direction), i: l.intensity }));
  const ambient = o.lighting.ambient;
  const needNormal = lit || o.normals;
  const [camX, camY, camZ] = camera.position;

  const w = camera.width;
  const h = camera.height;
  const acc = new Float64Array(w * h * 4); // linear RGB sum, coverage count
  const depthSum = new Float64Array(w * h);
  const normalSum = o.normals ? new Float64Array(w * h * 3) : undefined;
  const positionSum = o.positions ? new Float64Array(w * h * 3) : undefined;
  const texel = new Float32Array(4);

  for (let sy = 0; sy < vis.height; sy++) {
    const py = (sy / s) | 0;
    for (let sx = 0; sx < W; sx++) {
      const i = sy * W + sx;
      const t = triangle[i];
      if (t < 0) continue;
      const px = (sx / s) | 0;
      const out = py * w + px;
      const a = idx[t * 3], b = idx[t * 3 + 1], c = idx[t * 3 + 2];
      const l1 = b1[i], l2 = b2[i], l0 = 1 - l1 - l2;
      const X = pos[a * 3] * l0 + pos[b * 3] * l1 + pos[c * 3] * l2;
      const Y = pos[a * 3 + 1] * l0 + pos[b * 3 + 1] * l1 + pos[c * 3 + 1] * l2;
      const Z = pos[a * 3 + 2] * l0 + pos[b * 3 + 2] * l1 + pos[c * 3 + 2] * l2;

      const mi = perTriangle ? perTriangle[t] : 0;
      const tex = textures[mi];
      const base = materials[mi].baseColor;
      let r = base[0], g = base[1], bl = base[2];
      if (col) {
        r *= col[a * 4] * l0 + col[b * 4] * l1 + col[c * 4] * l2;
        g *= col[a * 4 + 1] * l0 + col[b * 4 + 1] * l1 + col[c * 4 + 1] * l2;
        bl *= col[a * 4 + 2] * l0 + col[b * 4 + 2] * l1 + col[c * 4 + 2] * l2;
      }
      if (tex) {
        const u = uvs![a * 2] * l0 + uvs![b * 2] * l1 + uvs![c * 2] * l2;
        const v = uvs![a * 2 + 1] * l0 + uvs![b * 2 + 1] * l1 + uvs![c * 2 + 1] * l2;
        sampleBilinear(tex, Number.isFinite(u) ? u : 0, Number.isFinite(v) ? v : 0, texel);
        r *= texel[0];
        g *= texel[1];
        bl *= texel[2];
      }

      if (needNormal) {
        let nx: number, ny: number, nz: number;
        if (nrm) {
          nx = nrm[a * 3] * l0 + nrm[b * 3] * l1 + nrm[c * 3] * l2;
          ny = nrm[a * 3 + 1] * l0 + nrm[b * 3 + 1] * l1 + nrm[c * 3 + 1] * l2;
          nz = nrm[a * 3 + 2] * l0 + nrm[b * 3 + 2] * l1 + nrm[c * 3 + 2] * l2;
        } else {
          const e1x = pos[b * 3] - pos[a * 3], e1y = pos[b * 3 + 1] - pos[a * 3 + 1], e1z = pos[b * 3 + 2] - pos[a * 3 + 2];
          const e2x = pos[c * 3] - pos[a * 3], e2y = pos[c * 3 + 1] - pos[a * 3 + 1], e2z = pos[c * 3 + 2] - pos[a * 3 + 2];
          nx = e1y * e2z - e1z * e2y;
          ny = e1z * e2x - e1x * e2z;
          nz = e1x * e2y - e1y * e2x;
        }
        const len = Math.sqrt(nx * nx + ny * ny + nz * nz) || 1;
        nx /= len;
        ny /= len;
        nz /= len;
        // Double-sided: the side we see is the side we shade.
        if (nx * (camX - X) + ny * (camY - Y) + nz * (camZ - Z) < 0) {
          nx = -nx;
          ny = -ny;
          nz = -nz;
        }
        if (lit) {
          let k = ambient;
          for (const L of lights) {
            const d = nx * L.d[0] + ny * L.d[1] + nz * L.d[2];
            if (d > 0) k += d * L.i;
          }
          r *= k;
          g *= k;
          bl *= k;
        }
        if (normalSum) {
          normalSum[out * 3] += nx;
          normalSum[out * 3 + 1] += ny;
          normalSum[out * 3 + 2] += nz;
        }
      }
      if (positionSum) {
        positionSum[out * 3] += X;
        positionSum[out * 3 + 1] += Y;
        positionSum[out * 3 + 2] += Z;
      }
      acc[out * 4] += r;
      acc[out * 4 + 1] += g;
      acc[out * 4 + 2] += bl;
      acc[out * 4 + 3] += 1;
      depthSum[out] += 1 / inverseDepth[i];
    }
  }

  // Resolve: average covered samples in linear light, composite over the background, encode sRGB.
  const color = createImage(w, h, 4);
  const depth = new Float32Array(w * h);
  const normal = normalSum ? new Float32Array(w * h * 3) : undefined;
  const position = positionSum ? new Float32Array(w * h * 3) : undefined;
  const spp = s * s;
  const [bgR, bgG, bgB, bgA] = o.background;
  const bgLin = [srgbToLinearFast(bgR), srgbToLinearFast(bgG), srgbToLinearFast(bgB)];
  const cd = color.data;
  for (let i = 0; i < w * h; i++) {
    const n = acc[i * 4 + 3];
    const cov = n / spp;
    const outA = cov + bgA * (1 - cov);
    if (outA > 0) {
      for (let k = 0; k < 3; k++) {
        // Premultiplied over: (C·cov + B·bgA·(1 − cov)) / outA.
        const lin = (acc[i * 4 + k] / spp + bgLin[k] * bgA * (1 - cov)) / outA;
        cd[i * 4 + k] = linearToSrgbFast(lin);
      }
    }
    cd[i * 4 + 3] = outA;
    if (n > 0) {
      depth[i] = depthSum[i] / n;
      if (normal && normalSum) {
        const x = normalSum[i * 3], y = normalSum[i * 3 + 1], z = normalSum[i * 3 + 2];
        const l = Math.sqrt(x * x + y * y + z * z) || 1;
        normal[i * 3] = x / l;
        normal[i * 3 + 1] = y / l;
        normal[i * 3 + 2] = z / l;
      }
      if (position && positionSum) for (let k = 0; k < 3; k++) position[i * 3 + k] = positionSum[i * 3 + k] / n;
    }
  }
  const result: RenderResult = { color, depth };
  if (normal) result.normal = normal;
  if (position) result.position = position;
  return result;
}

/** The alpha test for triangles whose material texture has transparent texels (none: undefined). */
function alphaCutout(mesh: Mesh, textures: Array<LinearTexture | undefined>, perTriangle: Uint16Array | undefined) {
  const cut = textures.map((t) => !!t && hasTransparentTexels(t));
  if (!cut.some(Boolean)) return undefined;
  const nt = mesh.indices.length / 3;
  const triangles = new Uint8Array(nt);
  for (let t = 0; t < nt; t++) triangles[t] = cut[perTriangle ? perTriangle[t] : 0] ? 1 : 0;
  const uvs = mesh.uvs!;
  const idx = mesh.indices;
  const texel = new Float32Array(4);
  return {
    triangles,
    test: (t: number, l1: number, l2: number): boolean => {
      const a = idx[t * 3], b = idx[t * 3 + 1], c = idx[t * 3 + 2];
      const l0 = 1 - l1 - l2;
      const u = uvs[a * 2] * l0 + uvs[b * 2] * l1 + uvs[c * 2] * l2;
      const v = uvs[a * 2 + 1] * l0 + uvs[b * 2 + 1] * l1 + uvs[c * 2 + 1] * l2;
      sampleBilinear(textures[perTriangle ? perTriangle[t] : 0]!, Number.isFinite(u) ? u : 0, Number.isFinite(v) ? v : 0, texel);
      return texel[3] < 0.5;
    },
  };
}

const transparentCache = new WeakMap<LinearTexture, boolean>();

function hasTransparentTexels(t: LinearTexture): boolean {
  let r = transparentCache.get(t);
  if (r === undefined) {
    r = false;
    for (let i = 3; i < t.data.length; i += 4) {
      if (t.data[i] < 0.5) {
        r = true;
        break;
      }
    }
    transparentCache.set(t, r);
  }
  return r;
}
