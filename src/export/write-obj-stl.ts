import { KilnError } from '../core/errors.js';
import { encodeImage } from '../core/image.js';
import { meshMaterials, type Mesh } from '../geometry/mesh.js';

/** The files of an OBJ export: the OBJ text, its MTL and the PNG textures it names. */
export interface ObjFiles {
  obj: string;
  mtl: string;
  /** One PNG per textured material: `<base>.png`, then `<base>-1.png`, … */
  textures: Array<{ file: string; data: Buffer }>;
}

/**
 * Writes a mesh as Wavefront OBJ + MTL (+ PNG textures), one `usemtl` group per material group.
 * `baseName` names the sibling files (`<base>.mtl`, `<base>.png`). UVs are flipped back to OBJ's
 * bottom-left origin; vertex colours are written as the common `v x y z r g b` extension.
 */
export async function meshToObj(mesh: Mesh, baseName = 'model'): Promise<ObjFiles> {
  if (mesh.indices.length === 0) throw new KilnError('INVALID_INPUT', 'meshToObj: mesh has no triangles');
  const p = mesh.positions, n = mesh.normals, uv = mesh.uvs, col = mesh.colors;
  const { materials, perTriangle } = meshMaterials(mesh);
  const names = materials.map((_, k) => (materials.length === 1 ? 'material' : `material_${k}`));
  const lines: string[] = ['# kiln', `mtllib ${baseName}.mtl`];
  const nv = p.length / 3;
  const f = (x: number) => (Math.abs(x) < 1e-9 ? '0' : x.toPrecision(7).replace(/\.?0+$/, '').replace(/\.?0+e/, 'e'));
  for (let i = 0; i < nv; i++) {
    let line = `v ${f(p[i * 3])} ${f(p[i * 3 + 1])} ${f(p[i * 3 + 2])}`;
    if (col) line += ` ${f(col[i * 4])} ${f(col[i * 4 + 1])} ${f(col[i * 4 + 2])}`;
    lines.push(line);
  }
  if (uv) for (let i = 0; i < nv; i++) lines.push(`vt ${f(uv[i * 2])} ${f(1 - uv[i * 2 + 1])}`);
  if (n) for (let i = 0; i < nv; i++) lines.push(`vn ${f(n[i * 3])} ${f(n[i * 3 + 1])} ${f(n[i * 3 + 2])}`);
  const corner = (i: number) => {
    const k = i + 1;
    return uv && n ? `${k}/${k}/${k}` : uv ? `${k}/${k}` : n ? `${k}//${k}` : `${k}`;
  };
  const idx = mesh.indices;
  let current = -1;
  for (let t = 0; t < idx.length; t += 3) {
    const m = perTriangle ? perTriangle[t / 3] : 0;
    if (m !== current) lines.push(`usemtl ${names[m]}`);
    current = m;
    lines.push(`f ${corner(idx[t])} ${corner(idx[t + 1])} ${corner(idx[t + 2])}`);
  }

  const toSrgb = (c: number) => (c <= 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 1 / 2.4) - 0.055);
  const mtl = ['# kiln'];
  const textures: ObjFiles['textures'] = [];
  for (const [k, m] of materials.entries()) {
    const [r, g, b, a] = m.baseColor;
    mtl.push(`newmtl ${names[k]}`, `Kd ${f(toSrgb(r))} ${f(toSrgb(g))} ${f(toSrgb(b))}`, `d ${f(a)}`, 'Ka 0 0 0', 'Ks 0 0 0', 'illum 1');
    if (m.baseColorTexture && uv) {
      const file = textures.length === 0 ? `${baseName}.png` : `${baseName}-${textures.length}.png`;
      mtl.push(`map_Kd ${file}`);
      textures.push({ file, data: await encodeImage(m.baseColorTexture, 'png') });
    }
  }
  return { obj: lines.join('\n') + '\n', mtl: mtl.join('\n') + '\n', textures };
}

/**
 * Writes a binary STL (geometry only, as 3-D printers want it). The mesh's units are written as
 * they are; STL has no unit field, and slicers usually read millimetres.
 */
export function meshToStl(mesh: Mesh): Buffer {
  const nt = mesh.indices.length / 3;
  if (nt === 0) throw new KilnError('INVALID_INPUT', 'meshToStl: mesh has no triangles');
  const buf = Buffer.alloc(84 + nt * 50);
  buf.write('kiln binary STL', 0, 'ascii');
  buf.writeUInt32LE(nt, 80);
  const p = mesh.positions, idx = mesh.indices;
  for (let t = 0; t < nt; t++) {
    const a = idx[t * 3] * 3, b = idx[t * 3 + 1] * 3, c = idx[t * 3 + 2] * 3;
    const e1 = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const e2 = [p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]];
    const nrm = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
    const l = Math.hypot(nrm[0], nrm[1], nrm[2]) || 1;
    const o = 84 + t * 50;
    for (let k = 0; k < 3; k++) buf.writeFloatLE(nrm[k] / l, o + k * 4);
    [a, b, c].forEach((v, j) => {
      for (let k = 0; k < 3; k++) buf.writeFloatLE(p[v + k], o + 12 + j * 12 + k * 4);
    });
  }
  return buf;
}
