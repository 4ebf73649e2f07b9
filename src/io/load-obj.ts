import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KilnError, describeError } from '../core/errors.js';
import { readImage } from '../core/image.js';
import type { Material, Mesh } from '../geometry/mesh.js';
import { mergeParts, type MeshPart } from './merge-parts.js';

/**
 * Parses Wavefront OBJ text into a {@link Mesh}. Polygons are fan-triangulated; negative (relative)
 * indices are resolved; each distinct (position, texcoord, normal) corner becomes one vertex, so UV
 * seams are kept. Texture coordinates are flipped (v → 1 − v) from OBJ's bottom-left origin to
 * glTF's top-left. `v x y z r g b` vertex colours are read. Materials come from `resolveMtl`, which
 * receives each `mtllib` name; {@link loadObj} reads them (with `map_Kd` textures) from disk.
 */
export async function parseObj(text: string, resolveMtl?: (name: string) => Promise<Map<string, Material>>): Promise<Mesh> {
  const v: number[] = [];
  const vc: number[] = [];
  const vt: number[] = [];
  const vn: number[] = [];
  const materials = new Map<string, Material>();
  const groups = new Map<string, { corners: Map<string, number>; pos: number[]; uv: number[]; nrm: number[]; col: number[]; idx: number[]; hasUv: boolean; hasNrm: boolean }>();
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
      const g = group(current);
      const face: number[] = [];
      for (let i = 1; i < parts.length; i++) {
        const key = parts[i];
        let id = g.corners.get(key);
        if (id === undefined) {
          const [a, b, c] = key.split('/');
          const pi = resolveIndex(a, v.length / 3, ln);
          id = g.pos.length / 3;
          g.pos.push(v[pi * 3], v[pi * 3 + 1], v[pi * 3 + 2]);
          g.col.push(vc[pi * 3], vc[pi * 3 + 1], vc[pi * 3 + 2], 1);
          if (b) {
            const ti = resolveIndex(b, vt.length / 2, ln);
            g.uv.push(vt[ti * 2], 1 - vt[ti * 2 + 1]);
          } else {
            g.uv.push(0, 0);
            g.hasUv = false;
          }
          if (c) {
            const ni = resolveIndex(c, vn.length / 3, ln);
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
  }
  if (v.length === 0) throw new KilnError('INVALID_INPUT', 'parseObj: no vertices found (is this an OBJ file?)');
  const meshParts: MeshPart[] = [];
  for (const [name, g] of groups) {
    const part: MeshPart = {
      positions: Float32Array.from(g.pos),
      indices: Uint32Array.from(g.idx),
      material: materials.get(name) ?? defaultObjMaterial(name, materials),
    };
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

/** Parses MTL text: `Kd` (sRGB in practice; converted to linear for glTF), `d`/`Tr`, and `map_Kd`. */
export async function parseMtl(text: string, loadTexture: (file: string) => Promise<Material['baseColorTexture']>): Promise<Map<string, Material>> {
  const out = new Map<string, Material>();
  let cur: Material | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const t = raw.trim();
    if (!t || t[0] === '#') continue;
    const parts = t.split(/\s+/);
    const kw = parts[0];
    if (kw === 'newmtl') {
      cur = { name: parts.slice(1).join(' '), baseColor: [0.8, 0.8, 0.8, 1] };
      out.set(cur.name!, cur);
    } else if (!cur) continue;
    else if (kw === 'Kd') cur.baseColor = [srgbToLinear(+parts[1]), srgbToLinear(+parts[2]), srgbToLinear(+parts[3]), cur.baseColor[3]];
    else if (kw === 'd') cur.baseColor[3] = +parts[1];
    else if (kw === 'Tr') cur.baseColor[3] = 1 - +parts[1];
    else if (kw === 'map_Kd') {
      // Options such as `-s 1 1 1` may precede the file name; the name is the last token.
      const texture = await loadTexture(parts[parts.length - 1]);
      if (texture) {
        cur.baseColorTexture = texture;
        cur.baseColor = [1, 1, 1, cur.baseColor[3]]; // glTF multiplies factor × texture; MTL replaces Kd
      }
    }
  }
  return out;
}

function srgbToLinear(c: number): number {
  if (!Number.isFinite(c)) return 0.8;
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** Reads an OBJ file with the MTL files and textures it names (paths relative to the OBJ). */
export async function loadObj(path: string): Promise<Mesh> {
  const dir = dirname(path);
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
        throw new KilnError('INVALID_INPUT', `loadObj: texture "${file}" could not be read (${describeError(err)})`, { cause: err });
      }
    });
  });
}
