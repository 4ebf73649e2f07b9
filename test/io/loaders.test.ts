import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';
import { createImage, encodeImage } from '../../src/core/image.js';
import { computeBounds, surfaceArea, triangleCount, type Mesh } from '../../src/geometry/mesh.js';
import { box } from '../../src/geometry/primitives.js';
import { loadMesh, parseMeshBytes } from '../../src/io/load-mesh.js';
import { tempDir } from '../helpers/paths.js';

const cube = box(2, 1, 0.5);

function corners(m: Mesh): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.indices.length; i++) {
    const v = m.indices[i] * 3;
    out.push([m.positions[v], m.positions[v + 1], m.positions[v + 2]]);
  }
  return out;
}

function toObj(m: Mesh, mtl?: string): string {
  const lines = mtl ? [`mtllib ${mtl}`, 'usemtl painted'] : [];
  for (let i = 0; i < m.positions.length; i += 3) lines.push(`v ${m.positions[i]} ${m.positions[i + 1]} ${m.positions[i + 2]}`);
  for (let i = 0; i < m.uvs!.length; i += 2) lines.push(`vt ${m.uvs![i]} ${1 - m.uvs![i + 1]}`);
  // Quads as polygons, with negative indices on the second half, to exercise both paths.
  for (let q = 0; q < m.indices.length / 6; q++) {
    const [a, b, c, , , d] = Array.from(m.indices.subarray(q * 6, q * 6 + 6));
    const n = m.positions.length / 3;
    const ref = (i: number) => (q < 3 ? `${i + 1}/${i + 1}` : `${i - n}/${i - n}`);
    lines.push(`f ${ref(a)} ${ref(b)} ${ref(c)} ${ref(d)}`);
  }
  return lines.join('\n') + '\n';
}

function toStlBinary(m: Mesh): Buffer {
  const nt = triangleCount(m);
  const buf = Buffer.alloc(84 + nt * 50);
  buf.writeUInt32LE(nt, 80);
  for (let t = 0; t < nt; t++) {
    for (let k = 0; k < 3; k++) {
      const v = m.indices[t * 3 + k] * 3;
      for (let a = 0; a < 3; a++) buf.writeFloatLE(m.positions[v + a], 84 + t * 50 + 12 + k * 12 + a * 4);
    }
  }
  return buf;
}

function toStlAscii(m: Mesh): string {
  const out = ['solid cube'];
  for (let t = 0; t < triangleCount(m); t++) {
    out.push(' facet normal 0 0 0', '  outer loop');
    for (let k = 0; k < 3; k++) {
      const v = m.indices[t * 3 + k] * 3;
      out.push(`   vertex ${m.positions[v]} ${m.positions[v + 1]} ${m.positions[v + 2]}`);
    }
    out.push('  endloop', ' endfacet');
  }
  out.push('endsolid cube');
  return out.join('\n');
}

function toOff(m: Mesh): string {
  const out = ['OFF', '# a comment', `${m.positions.length / 3} ${triangleCount(m)} 0`];
  for (let i = 0; i < m.positions.length; i += 3) out.push(`${m.positions[i]} ${m.positions[i + 1]} ${m.positions[i + 2]}`);
  for (let t = 0; t < triangleCount(m); t++) out.push(`3 ${m.indices[t * 3]} ${m.indices[t * 3 + 1]} ${m.indices[t * 3 + 2]} 255 0 0`);
  return out.join('\n');
}

function toPly(m: Mesh, binary: boolean): Buffer {
  const nv = m.positions.length / 3;
  const nt = triangleCount(m);
  const header = [
    'ply',
    `format ${binary ? 'binary_little_endian' : 'ascii'} 1.0`,
    `element vertex ${nv}`,
    'property float x',
    'property float y',
    'property float z',
    `element face ${nt}`,
    'property list uchar int vertex_indices',
    'end_header',
    '',
  ].join('\n');
  if (!binary) {
    const body: string[] = [];
    for (let i = 0; i < nv; i++) body.push(`${m.positions[i * 3]} ${m.positions[i * 3 + 1]} ${m.positions[i * 3 + 2]}`);
    for (let t = 0; t < nt; t++) body.push(`3 ${m.indices[t * 3]} ${m.indices[t * 3 + 1]} ${m.indices[t * 3 + 2]}`);
    return Buffer.from(header + body.join('\n') + '\n');
  }
  const body = Buffer.alloc(nv * 12 + nt * 13);
  let o = 0;
  for (let i = 0; i < nv * 3; i++, o += 4) body.writeFloatLE(m.positions[i], o);
  for (let t = 0; t < nt; t++) {
    body.writeUInt8(3, o++);
    for (let k = 0; k < 3; k++, o += 4) body.writeInt32LE(m.indices[t * 3 + k], o);
  }
  return Buffer.concat([Buffer.from(header), body]);
}

function expectSameSurface(m: Mesh): void {
  expect(triangleCount(m)).toBe(triangleCount(cube));
  expect(surfaceArea(m)).toBeCloseTo(surfaceArea(cube), 5);
  const b = computeBounds(m);
  expect(b.min).toEqual([-1, -0.5, -0.25]);
  expect(b.max).toEqual([1, 0.5, 0.25]);
  // Same triangles as sets of corners (winding kept): compare sorted corner lists.
  const key = (c: number[][]) => c.map((p) => p.join(',')).sort().join(';');
  expect(key(corners(m))).toBe(key(corners(cube)));
}

describe('mesh loaders', () => {
  const dir = tempDir();

  test('OBJ with MTL and a map_Kd texture: UVs flipped to glTF, texture attached', async () => {
    const tex = createImage(8, 8, 3);
    tex.data.fill(0.2);
    tex.data.set([1, 0, 0], 0); // top-left texel red
    writeFileSync(join(dir, 'cube.png'), await encodeImage(tex));
    writeFileSync(join(dir, 'cube.mtl'), 'newmtl painted\nKd 1 1 1\nmap_Kd -s 1 1 1 cube.png\n');
    writeFileSync(join(dir, 'cube.obj'), toObj(cube, 'cube.mtl'));
    const m = await loadMesh(join(dir, 'cube.obj'));
    expectSameSurface(m);
    expect(m.material.baseColorTexture?.width).toBe(8);
    expect(m.material.baseColorTexture?.data[0]).toBe(1);
    // Each corner's UV must equal the fixture's (the OBJ stored v flipped, the loader flips it back).
    const uvOf = new Map<string, string>();
    for (let i = 0; i < cube.indices.length; i++) {
      const v = cube.indices[i];
      uvOf.set(`${i}`, `${cube.uvs![v * 2]},${cube.uvs![v * 2 + 1]}`);
    }
    const got = Array.from(m.indices, (v) => `${m.uvs![v * 2]},${m.uvs![v * 2 + 1]}`).sort();
    expect(got).toEqual([...uvOf.values()].sort());
  });

  test('OBJ without its MTL still loads geometry', async () => {
    writeFileSync(join(dir, 'orphan.obj'), toObj(cube, 'missing.mtl'));
    const m = await loadMesh(join(dir, 'orphan.obj'));
    expectSameSurface(m);
    expect(m.material.baseColorTexture).toBeUndefined();
  });

  test('STL binary and ASCII are welded into an indexed mesh', async () => {
    writeFileSync(join(dir, 'cube.stl'), toStlBinary(cube));
    writeFileSync(join(dir, 'cube-ascii.stl'), toStlAscii(cube));
    for (const f of ['cube.stl', 'cube-ascii.stl']) {
      const m = await loadMesh(join(dir, f));
      expectSameSurface(m);
      expect(m.positions.length / 3).toBe(8); // 36 soup corners → 8 cube corners
    }
  });

  test('OFF with per-face colours, PLY ASCII and binary', async () => {
    writeFileSync(join(dir, 'cube.off'), toOff(cube));
    writeFileSync(join(dir, 'cube.ply'), toPly(cube, false));
    writeFileSync(join(dir, 'cube-bin.ply'), toPly(cube, true));
    for (const f of ['cube.off', 'cube.ply', 'cube-bin.ply']) expectSameSurface(await loadMesh(join(dir, f)));
  });

  test('GLB: node transforms are baked into world space', async () => {
    const doc = new Document();
    const buffer = doc.createBuffer();
    const prim = doc
      .createPrimitive()
      .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(cube.positions).setBuffer(buffer))
      .setIndices(doc.createAccessor().setType('SCALAR').setArray(cube.indices).setBuffer(buffer));
    const mesh = doc.createMesh().addPrimitive(prim);
    const child = doc.createNode('child').setMesh(mesh).setTranslation([0, 1, 0]);
    const parent = doc.createNode('parent').setScale([2, 2, 2]).addChild(child);
    doc.createScene().addChild(parent);
    const path = join(dir, 'cube.glb');
    await new NodeIO().write(path, doc);
    const m = await loadMesh(path);
    expect(triangleCount(m)).toBe(12);
    const b = computeBounds(m);
    expect(b.min).toEqual([-2, 1, -0.5]);
    expect(b.max).toEqual([2, 3, 0.5]);
  });

  test('bad files fail with one clear line', async () => {
    writeFileSync(join(dir, 'junk.glb'), 'definitely not a glb');
    writeFileSync(join(dir, 'bad.off'), 'OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n');
    writeFileSync(join(dir, 'bad.obj'), 'v 0 0 0\nv 1 0 0\nf 1 2 9\n');
    writeFileSync(join(dir, 'model.fbx'), 'x');
    await expect(loadMesh(join(dir, 'junk.glb'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(loadMesh(join(dir, 'bad.off'))).rejects.toThrow(/parseOff: face 0 has index 7 out of range/);
    await expect(loadMesh(join(dir, 'bad.obj'))).rejects.toThrow(/parseObj: line 3: index 9 out of range/);
    await expect(loadMesh(join(dir, 'model.fbx'))).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    await expect(loadMesh(join(dir, 'absent.stl'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(parseMeshBytes(new Uint8Array(10), 'stl')).rejects.toThrow(/parseStl/);
  });
});
