import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KilnError, describeError } from '../core/errors.js';
import { createImage, readImage, type RasterImage } from '../core/image.js';
import { createLogger } from '../core/logger.js';
import type { Material, Mesh } from '../geometry/mesh.js';
import { mergeParts, type MeshPart } from './merge-parts.js';

const log = createLogger('io');

/**
 * Parses Wavefront OBJ text into a {@link Mesh}. Polygons are fan-triangulated; negative (relative)
 * indices are resolved; each distinct (position, texcoord, normal) corner becomes one vertex, so UV
 * seams are kept. Texture coordinates are flipped (v → 1 − v) from OBJ's bottom-left origin to
 * glTF's top-left. `v x y z r g b` vertex colours are read. Materials come from `resolveMtl`, which
 * receives each `mtllib` name; {@link loadObj} reads them (with `map_Kd` textures) from disk. Every
 * `usemtl` group keeps its own material (the mesh gets material groups). Faces may name vertices
 * defined later in the file (some exporters write them so): corners are resolved after reading.
 */
export async function parseObj(text: string, resolveMtl?: (name: string) => Promise<Map<string, Material>>): Promise<Mesh> {
  const v: number[] = [];
  const vc: number[] = [];
  const vt: number[] = [];
  const vn: number[] = [];
  const materials = new Map<string, Material>();
  const groups = new Map<string, { corners: Map<string, number>; pos: number[]; uv: number[]; nrm: number[]; col: number[]; idx: number[]; hasUv: boolean; hasNrm: boolean }>();
  const faces: Array<{ group: string; corners: string[]; line: number }> = [];
  let current = '';
  let anyColor = false;

  const group = (name: string) => {
    let g = groups.get(name);
    if (!g) {
      g = { corners: new Map(), pos: [], uv: [], nrm: [], col: [], idx: [], hasUv: true, hasNrm: true };
      groups.set(name, g);
    }
    return g;
  };

  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    let line = lines[ln];
    while (line.endsWith('\\') && ln + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++ln];
    const t = line.trim();
    if (!t || t[0] === '#') continue;
    const parts = t.split(/\s+/);
    const kw = parts[0];
    const num = (i: number) => {
      const x = Number(parts[i]);
      if (!Number.isFinite(x)) throw new KilnError('INVALID_INPUT', `parseObj: line ${ln + 1}: bad number "${parts[i]}"`);
      return x;
    };
    if (kw === 'v') {
      v.push(num(1), num(2), num(3));
      if (parts.length >= 7) {
        vc.push(num(4), num(5), num(6));
        anyColor = true;
      } else vc.push(1, 1, 1);
    } else if (kw === 'vt') vt.push(num(1), parts.length > 2 ? num(2) : 0);
    else if (kw === 'vn') vn.push(num(1), num(2), num(3));
    else if (kw === 'usemtl') current = parts.slice(1).join(' ');
    else if (kw === 'mtllib' && resolveMtl) {
      for (const [k, m] of await resolveMtl(parts.slice(1).join(' '))) materials.set(k, m);
    } else if (kw === 'f') {
      faces.push({ group: current, corners: parts.slice(1), line: ln });
    }
  }
  for (const f of faces) {
    const g = group(f.group);
    const face: number[] = [];
    for (const key of f.corners) {
      let id = g.corners.get(key);
      if (id === undefined) {
        const [a, b, c] = key.split('/');
        const pi = resolveIndex(a, v.length / 3, f.line);
        id = g.pos.length / 3;
        g.pos.push(v[pi * 3], v[pi * 3 + 1], v[pi * 3 + 2]);
        g.col.push(vc[pi * 3], vc[pi * 3 + 1], vc[pi * 3 + 2], 1);
        if (b) {
          const ti = resolveIndex(b, vt.length / 2, f.line);
          g.uv.push(vt[ti * 2], 1 - vt[ti * 2 + 1]);
        } else {
          g.uv.push(0, 0);
          g.hasUv = false;
        }
        if (c) {
          const ni = resolveIndex(c, vn.length / 3, f.line);
          g.nrm.push(vn[ni * 3], vn[ni * 3 + 1], vn[ni * 3 + 2]);
        } else {
          g.nrm.push(0, 0, 0);
          g.hasNrm = false;
        }
        g.corners.set(key, id);
      }
      face.push(id);
    }
    for (let i = 1; i + 1 < face.length; i++) g.idx.push(face[0], face[i], face[i + 1]);
  }
  if (v.length === 0) throw new KilnError('INVALID_INPUT', 'parseObj: no vertices found (is this an OBJ file?)');
  const meshParts: MeshPart[] = [];
  for (const [name, g] of groups) {
    let material = materials.get(name) ?? defaultObjMaterial(name, materials);
    // A texture needs texture coordinates: without them the group shows the material's colour.
    if (material.baseColorTexture && !g.hasUv) material = untextured(material);
    const part: MeshPart = { positions: Float32Array.from(g.pos), indices: Uint32Array.from(g.idx), material };
    if (g.hasUv) part.uvs = Float32Array.from(g.uv);
    if (g.hasNrm) part.normals = Float32Array.from(g.nrm);
    if (anyColor) part.colors = Float32Array.from(g.col);
    meshParts.push(part);
  }
  return mergeParts(meshParts, 'parseObj');
}

const fallbackMaterials = new WeakMap<Map<string, Material>, Material>();

/** Groups without a known material share one grey material (so they do not count as distinct). */
function defaultObjMaterial(_name: string, materials: Map<string, Material>): Material {
  let m = fallbackMaterials.get(materials);
  if (!m) {
    m = { baseColor: [0.8, 0.8, 0.8, 1] };
    fallbackMaterials.set(materials, m);
  }
  return m;
}

function resolveIndex(token: string, count: number, ln: number): number {
  const i = parseInt(token, 10);
  const r = i < 0 ? count + i : i - 1;
  if (!Number.isInteger(r) || r < 0 || r >= count) {
    throw new KilnError('INVALID_INPUT', `parseObj: line ${ln + 1}: index ${token} out of range (1…${count})`);
  }
  return r;
}

const untexturedCache = new WeakMap<Material, Material>();
/** The `Kd` colour of a textured MTL material (its factor became white), for groups without UVs. */
const diffuseOf = new WeakMap<Material, Material['baseColor']>();

function untextured(m: Material): Material {
  let u = untexturedCache.get(m);
  if (!u) {
    const { baseColorTexture: _t, ...rest } = m;
    u = { ...rest, baseColor: diffuseOf.get(m) ?? m.baseColor };
    untexturedCache.set(m, u);
  }
  return u;
}

/** Loads a texture file named by an MTL; resolves undefined (after a warning) when it cannot be read. */
export type TextureLoader = (file: string) => Promise<RasterImage | undefined>;

/**
 * Parses MTL text into materials: `Kd` (sRGB in practice; converted to linear for glTF), opacity
 * from `d` or `Tr`, `map_Kd` (replaces `Kd`, as Sweet Home 3D and most viewers draw it) and `map_d`
 * (folded into the texture's alpha). A texture that `loadTexture` cannot provide leaves the
 * material's `Kd` colour, so a missing file costs detail, not the model.
 */
export async function parseMtl(text: string, loadTexture: TextureLoader): Promise<Map<string, Material>> {
  const out = new Map<string, Material>();
  const pending: Array<{ m: Material; color?: string; alpha?: string }> = [];
  let cur: (typeof pending)[number] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const t = raw.trim();
    if (!t || t[0] === '#') continue;
    const parts = t.split(/\s+/);
    const kw = parts[0];
    // Options such as `-s 1 1 1` may precede a map's file name; the name is the last token.
    const file = parts[parts.length - 1];
    if (kw === 'newmtl') {
      cur = { m: { name: parts.slice(1).join(' '), baseColor: [0.8, 0.8, 0.8, 1] } };
      pending.push(cur);
      out.set(cur.m.name!, cur.m);
    } else if (!cur) continue;
    else if (kw === 'Kd') cur.m.baseColor = [srgbToLinear(+parts[1]), srgbToLinear(+parts[2]), srgbToLinear(+parts[3]), cur.m.baseColor[3]];
    else if (kw === 'd') cur.m.baseColor[3] = opacity(+parts[1]);
    else if (kw === 'Tr') cur.m.baseColor[3] = opacity(1 - +parts[1]);
    else if (kw === 'map_Kd' && parts.length > 1) cur.color = file;
    else if (kw === 'map_d' && parts.length > 1) cur.alpha = file;
  }
  for (const { m, color, alpha } of pending) {
    const rgb = color ? await loadTexture(color) : undefined;
    const a = alpha ? await loadTexture(alpha) : undefined;
    if (!rgb && !a) continue;
    const texture = a ? withAlpha(rgb, a) : rgb!;
    diffuseOf.set(m, [...m.baseColor]);
    m.baseColorTexture = texture;
    // glTF multiplies factor × texture; MTL's map_Kd replaces Kd. An alpha map alone keeps Kd.
    if (rgb) m.baseColor = [1, 1, 1, m.baseColor[3]];
  }
  return out;
}

function opacity(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 1;
}

/**
 * An RGBA texture from an optional colour map and an opacity map (its first channel, or its alpha
 * when it has one), the opacity map sampled at the colour map's size by nearest texel.
 */
function withAlpha(rgb: RasterImage | undefined, alpha: RasterImage): RasterImage {
  const w = rgb?.width ?? alpha.width;
  const h = rgb?.height ?? alpha.height;
  const out = createImage(w, h, 4, [1, 1, 1, 1]);
  const ac = alpha.channels === 2 || alpha.channels === 4 ? alpha.channels - 1 : 0;
  for (let y = 0; y < h; y++) {
    const ay = Math.min(alpha.height - 1, Math.floor(((y + 0.5) * alpha.height) / h));
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      if (rgb) {
        const i = (y * w + x) * rgb.channels;
        for (let k = 0; k < 3; k++) out.data[o + k] = rgb.data[i + (rgb.channels >= 3 ? k : 0)];
      }
      const ax = Math.min(alpha.width - 1, Math.floor(((x + 0.5) * alpha.width) / w));
      out.data[o + 3] = alpha.data[(ay * alpha.width + ax) * alpha.channels + ac];
    }
  }
  return out;
}

function srgbToLinear(c: number): number {
  if (!Number.isFinite(c)) return 0.8;
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** Where a non-fatal loading problem is reported (a missing texture, say); the default logs it. */
export interface LoadObjOptions {
  onWarning?: (message: string) => void;
}

/** Reads an OBJ file with the MTL files and textures it names (paths relative to the OBJ). */
export async function loadObj(path: string, options: LoadObjOptions = {}): Promise<Mesh> {
  const dir = dirname(path);
  const warn = options.onWarning ?? ((message: string) => log.warn({ file: path }, message));
  const text = await readFile(path, 'utf8');
  return parseObj(text, async (name) => {
    let mtl: string;
    try {
      mtl = await readFile(resolve(dir, name), 'utf8');
    } catch {
      return new Map(); // a missing MTL is common and harmless: geometry still loads
    }
    return parseMtl(mtl, async (file) => {
      try {
        return await readImage(resolve(dir, file));
      } catch (err) {
        warn(`loadObj: texture "${file}" could not be read (${describeError(err)}); using the material's colour`);
        return undefined;
      }
    });
  });
}
