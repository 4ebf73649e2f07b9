import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { createImage, encodeImage } from '../../src/core/image.js';

/** The six faces of a unit box (in OBJ's 1-based vertex numbers), each assignable to a material. */
const BOX_V = ['v 0 0 0', 'v 1 0 0', 'v 1 1 0', 'v 0 1 0', 'v 0 0 1', 'v 1 0 1', 'v 1 1 1', 'v 0 1 1'];
const BOX_F = [
  [1, 4, 3, 2],
  [5, 6, 7, 8],
  [1, 2, 6, 5],
  [4, 8, 7, 3],
  [1, 5, 8, 4],
  [2, 3, 7, 6],
];

/** A box OBJ in centimetre-ish units (scaled by `scale`), faces split over materials by `materialOf(face)`. */
export function boxObj(mtl: string, materialOf: (face: number) => string, scale = 40): string {
  const lines = [`mtllib ${mtl}`, ...BOX_V.map((l) => l.replace(/[01]/g, (d) => String(Number(d) * scale))), 'vt 0 0', 'vt 1 0', 'vt 1 1', 'vt 0 1'];
  BOX_F.forEach((f, i) => lines.push(`usemtl ${materialOf(i)}`, `f ${f.map((v, k) => `${v}/${k + 1}`).join(' ')}`));
  return lines.join('\n') + '\n';
}

export interface FixtureEntry {
  model: string;
  props: Record<string, string>;
}

/** Zips a catalogue: files plus `PluginFurnitureCatalog*.properties` (already escaped text). */
export function sh3f(files: Record<string, Uint8Array | string>, properties: Record<string, string>): Uint8Array {
  const zip: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries({ ...files, ...properties })) zip[k] = typeof v === 'string' ? strToU8(v) : v;
  return zipSync(zip);
}

/**
 * Writes two tiny catalogues to `dir`: `Scopia.sh3f` (CC-BY) and `BlendSwap-CC-0.sh3f` (public
 * domain). Scopia holds a two-material sofa (textured fabric, red legs) whose only Chinese name is
 * Traditional, a chair with a `\u` escape and a continued line in its name, a rotated bench, and
 * one entry for each filter reason (door, light without faces, missing file, rug, too large, glass).
 * Keys: the sofa and BlendSwap's antique chair are in the test split (sh3d-test.txt lists them).
 */
export async function writeSh3fFixtures(dir: string): Promise<void> {
  const tex = createImage(4, 4, 3, [0.9, 0.8, 0.2]);
  const png = await encodeImage(tex);
  const mtl = ['newmtl fabric', 'Kd 1 1 1', 'map_Kd fabric.png', 'newmtl legs', 'Kd 0.8 0.1 0.1', 'newmtl paint', 'Kd 0.15 0.3 0.85', 'newmtl glass', 'Kd 0.8 0.9 1', 'd 0.3'].join('\n');
  const sofa = boxObj('sofa.mtl', (f) => (f < 4 ? 'fabric' : 'legs'));
  const chair = boxObj('chair.mtl', (f) => (f === 0 ? 'fabric' : 'paint'));
  const files: Record<string, Uint8Array | string> = {
    'scopia/burlap_sofa/burlap_sofa.obj': sofa,
    'scopia/burlap_sofa/sofa.mtl': mtl,
    'scopia/burlap_sofa/fabric.png': png,
    'scopia/chair/chair.obj': chair,
    'scopia/chair/chair.mtl': mtl,
    'scopia/chair/fabric.png': png,
    'scopia/bench/bench.obj': boxObj('bench.mtl', () => 'legs', 1),
    'scopia/bench/bench.mtl': mtl,
    'scopia/door/door.obj': boxObj('door.mtl', () => 'legs'),
    'scopia/light/light.obj': 'v 0 0 0\nv 1 0 0\nv 0 1 0\n',
    'scopia/rug/rug.obj': boxObj('rug.mtl', () => 'legs'),
    'scopia/hall/hall.obj': boxObj('hall.mtl', () => 'legs'),
    'scopia/vase/vase.obj': boxObj('vase.mtl', () => 'glass'),
    'scopia/vase/vase.mtl': mtl,
  };
  const entry = (n: number, model: string, name: string, size: [number, number, number], extra: string[] = []) => [
    `id#${n}=Scopia#${n}`,
    `name#${n}=${name}`,
    `category#${n}=Living room`,
    `creator#${n}=Scopia`,
    `model#${n}=${model}`,
    `width#${n}=${size[0]}`,
    `depth#${n}=${size[1]}`,
    `height#${n}=${size[2]}`,
    `doorOrWindow#${n}=false`,
    ...extra,
    '',
  ];
  const base = [
    '# tiny test catalogue',
    'id=SweetHome3D#ScopiaModels',
    'name=Scopia catalog',
    'license=Creative Commons Attribution 3.0 Unported license',
    '',
    ...entry(1, '/scopia/burlap_sofa/burlap_sofa.obj', 'Sofa', [200, 90, 80]),
    ...entry(2, '/scopia/chair/chair.obj', 'Caf\\u00e9 \\\n    chair', [45, 50, 90]),
    ...entry(3, '/scopia/bench/bench.obj', 'Bench', [50, 120, 45], ['modelRotation#3=0 0 1 0 1 0 -1 0 0']),
    ...entry(4, '/scopia/door/door.obj', 'Door', [90, 10, 210]).map((l) => l.replace('doorOrWindow#4=false', 'doorOrWindow#4=true')),
    ...entry(5, '/scopia/light/light.obj', 'Light source', [10, 10, 10], ['lightSourceX#5=0.5']),
    ...entry(6, '/scopia/missing/missing.obj', 'Lost lamp', [30, 30, 60]),
    ...entry(7, '/scopia/rug/rug.obj', 'Rug', [200, 150, 1]),
    ...entry(8, '/scopia/hall/hall.obj', 'Hall', [800, 600, 300]),
    ...entry(9, '/scopia/vase/vase.obj', 'Glass vase', [20, 20, 40]),
  ].join('\n');
  const props = {
    'PluginFurnitureCatalog.properties': base,
    // The sofa has only a Traditional name (沙發), the chair a Simplified one (椅子).
    'PluginFurnitureCatalog_zh_TW.properties': 'name#1=\\u6c99\\u767c\nname#2=\\u6905\\u5b50\n',
    'PluginFurnitureCatalog_zh_CN.properties': 'name#2=\\u6905\\u5b50\nname#3=Bench\n',
  };
  writeFileSync(join(dir, 'Scopia.sh3f'), sh3f(files, props));
  const cc0 = sh3f(
    { 'blendswap-cc-0/antiqueChair/antiqueChair.obj': chair, 'blendswap-cc-0/antiqueChair/chair.mtl': mtl, 'blendswap-cc-0/antiqueChair/fabric.png': png, 'blendswap-cc-0/box/box.obj': sofa, 'blendswap-cc-0/box/sofa.mtl': mtl, 'blendswap-cc-0/box/fabric.png': png },
    {
      'PluginFurnitureCatalog.properties': [
        'id=SweetHome3D#BlendSwap-CC-0-Models',
        'name=Blend Swap CC-0',
        'license=Public domain',
        '',
        ...entry(1, '/blendswap-cc-0/antiqueChair/antiqueChair.obj', 'Antique chair', [50, 50, 95]).map((l) => l.replace('Scopia', 'BlendSwap')),
        ...entry(2, '/blendswap-cc-0/box/box.obj', 'Box', [40, 40, 40]).map((l) => l.replace('Scopia', 'BlendSwap')),
      ].join('\n'),
    },
  );
  writeFileSync(join(dir, 'BlendSwap-CC-0.sh3f'), cc0);
}
