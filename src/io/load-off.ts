import { KilnError } from '../core/errors.js';
import { DEFAULT_MATERIAL, type Mesh } from '../geometry/mesh.js';

/**
 * Parses Object File Format text (OFF, and COFF/NOFF/CNOFF headers: per-vertex normals are skipped,
 * colours kept). One vertex or face per line, as the format specifies; polygons are
 * fan-triangulated; per-face colours after the indices are ignored; `#` starts a comment.
 */
export function parseOff(text: string): Mesh {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(/\s+/));
  const fail = (why: string): never => {
    throw new KilnError('INVALID_INPUT', `parseOff: ${why}`);
  };
  const head = lines[0] ?? [''];
  const header = head[0];
  if (!/^C?N?OFF$/.test(header)) fail(`expected an OFF header, found "${header.slice(0, 20)}"`);
  const hasColor = header.startsWith('C');
  const hasNormal = header.includes('N');
  let row = 1;
  const countsLine = head.length >= 3 ? head.slice(1) : lines[row++];
  const num = (s: string | undefined, what: string): number => {
    const x = Number(s);
    if (s === undefined || !Number.isFinite(x)) fail(`bad or missing ${what}`);
    return x;
  };
  const nv = num(countsLine?.[0], 'vertex count');
  const nf = num(countsLine?.[1], 'face count');
  if (lines.length < row + nv + nf) fail(`file ends early: expected ${nv} vertices and ${nf} faces`);

  const positions = new Float32Array(nv * 3);
  const colors = hasColor ? new Float32Array(nv * 4) : undefined;
  for (let i = 0; i < nv; i++) {
    const l = lines[row++];
    for (let k = 0; k < 3; k++) positions[i * 3 + k] = num(l[k], `coordinate of vertex ${i}`);
    if (colors) {
      const o = hasNormal ? 6 : 3;
      const rgba = [0, 1, 2, 3].map((k) => Number(l[o + k] ?? (k === 3 ? (l[o] && Number(l[o]) > 1 ? 255 : 1) : 1)));
      const scale = rgba.some((c) => c > 1) ? 1 / 255 : 1;
      for (let k = 0; k < 4; k++) colors[i * 4 + k] = rgba[k] * scale;
    }
  }
  const indices: number[] = [];
  for (let f = 0; f < nf; f++) {
    const l = lines[row++];
    const n = num(l[0], `size of face ${f}`);
    if (l.length < n + 1) fail(`face ${f} lists fewer than ${n} indices`);
    const face: number[] = [];
    for (let k = 1; k <= n; k++) {
      const i = Number(l[k]);
      if (!Number.isInteger(i) || i < 0 || i >= nv) fail(`face ${f} has index ${l[k]} out of range`);
      face.push(i);
    }
    for (let k = 1; k + 1 < face.length; k++) indices.push(face[0], face[k], face[k + 1]);
  }
  const mesh: Mesh = {
    positions,
    indices: Uint32Array.from(indices),
    material: { ...DEFAULT_MATERIAL, baseColor: [...DEFAULT_MATERIAL.baseColor] },
  };
  if (colors) mesh.colors = colors;
  return mesh;
}
