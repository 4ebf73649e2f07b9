import type { Vec3 } from '../geometry/mat4.js';
import { ALL_COLORS, colorsExcept, type BuildContext, type Category } from './category.js';
import { cuboid, cylinder, ellipsoid, frustum, lathe, tube } from './shapes.js';

/** Living things and characters: potted plant, cactus, tree, mushroom, snowman, duck, robot. */

const POT_COLORS = colorsExcept('green');

/** A flower pot with a rim and a disc of soil; returns the height of the soil surface. */
function pot(c: BuildContext, slot: number): { top: number; radius: number } {
  const rb = c.r(0.22, 0.3), rt = rb * c.r(1.2, 1.45), h = c.r(0.4, 0.6);
  c.builder.add(lathe([[rb, 0], [rt, h], [rt + 0.04, h], [rt + 0.04, h + 0.08], [rt - 0.03, h + 0.08], [rt - 0.03, h - 0.04], [0, h - 0.04]], 28), slot);
  const soil = c.slot({ color: 'brown', material: 'stone' });
  c.builder.add(cylinder(rt - 0.03, 0.02, 24), soil, { at: [0, h - 0.05, 0] });
  return { top: h - 0.03, radius: rt };
}

export const plant: Category = {
  name: 'plant', en: 'potted plant', zh: '盆栽', measure: '盆',
  colors: POT_COLORS, materials: ['plain', 'stone', 'stripes', 'dots'],
  colorPart: { en: 'pot', zh: '花盆' },
  build(c) {
    const { top, radius } = pot(c, 0);
    const leaf = c.slot({ color: c.pick(['green', 'green', 'teal']), material: 'plain' });
    if (c.chance(0.5)) {
      const n = c.int(5, 9), len = c.r(0.4, 0.7);
      for (let i = 0; i < n; i++) {
        const a = (i / n) * 360 + c.r(-15, 15), tilt = c.r(25, 55);
        c.builder.add(ellipsoid(0.08, len / 2, 0.02, 12, 8), leaf, { at: [0, top + 0.02, 0], rotate: [tilt, a, 0], scale: 1 });
      }
      c.builder.add(cylinder(0.03, len * 0.4, 8), leaf, { at: [0, top, 0] });
      c.adjective('leafy', '叶子舒展的');
      c.param('form', 'leaves');
    } else {
      const n = c.int(3, 6), size = c.r(0.2, 0.3);
      c.builder.add(cylinder(0.035, size * 1.3, 8), c.slot({ color: 'brown', material: 'wood' }), { at: [0, top, 0] });
      for (let i = 0; i < n; i++) {
        const a = (i / n) * Math.PI * 2;
        const p: Vec3 = [Math.sin(a) * size * 0.6, top + size * 1.6 + c.r(-0.05, 0.1), Math.cos(a) * size * 0.6];
        c.builder.add(ellipsoid(size, size * 0.85, size, 14, 8), leaf, { at: p });
      }
      c.builder.add(ellipsoid(size * 1.1, size, size * 1.1, 14, 8), leaf, { at: [0, top + size * 2.1, 0] });
      c.adjective('bushy', '茂盛的');
      c.param('form', 'bush');
    }
    c.param('potRadius', radius);
  },
};

export const cactus: Category = {
  name: 'cactus', en: 'cactus', zh: '仙人掌', measure: '盆',
  colors: POT_COLORS, materials: ['plain', 'stone', 'stripes', 'dots'],
  colorPart: { en: 'pot', zh: '花盆' },
  build(c) {
    const { top } = pot(c, 0);
    const green = c.slot({ color: 'green', material: c.pick(['plain', 'stripes'] as const) });
    const R = c.r(0.12, 0.2), H = c.r(0.6, 1.3);
    const col: Array<[number, number]> = [[R, 0], [R, H - R]];
    for (let i = 1; i <= 5; i++) col.push([R * Math.cos((i / 5) * (Math.PI / 2)), H - R + R * Math.sin((i / 5) * (Math.PI / 2))]);
    c.builder.add(lathe(col, 16), green, { at: [0, top - 0.02, 0] });
    const arms = c.pick([0, 1, 2, 2, 3]);
    for (let i = 0; i < arms; i++) {
      const side = i % 2 === 0 ? 1 : -1, y = top + H * c.r(0.3, 0.6), out = c.r(0.2, 0.3), up = c.r(0.15, 0.35);
      const a = (i === 2 ? 90 : 0) + c.r(-20, 20);
      const path: Vec3[] = [[0, y, 0], [side * out * 0.7, y, 0], [side * out, y + 0.06, 0], [side * out, y + up, 0]];
      c.builder.add(tube(path, R * 0.6, 10), green, { rotate: [0, a, 0] });
      c.builder.add(ellipsoid(R * 0.6, R * 0.6, R * 0.6, 10, 6), green, { at: [side * out, y + up, 0], rotate: [0, a, 0] });
    }
    if (arms > 0) c.feature('with arms', '带分枝的');
    if (H > 1.05) c.adjective('tall', '高高的');
    c.param('arms', arms);
  },
};

export const tree: Category = {
  name: 'tree', en: 'tree', zh: '树', measure: '棵',
  colors: ['green', 'teal', 'orange', 'yellow', 'red', 'pink', 'white', 'brown'], materials: ['plain', 'stone'],
  build(c) {
    const trunk = c.slot({ color: c.pick(['brown', 'brown', 'gray', 'black']), material: 'wood' });
    const H = c.r(0.5, 0.9), r = c.r(0.07, 0.13);
    c.builder.add(frustum(r, r * 0.6, H, 12), trunk);
    if (c.chance(0.45)) {
      const tiers = c.int(2, 4);
      let y = H * 0.6, R = c.r(0.45, 0.7);
      for (let i = 0; i < tiers; i++) {
        const h = R * c.r(1.1, 1.5);
        c.builder.add(frustum(R, 0, h, 20), 0, { at: [0, y, 0] });
        y += h * 0.5;
        R *= 0.75;
      }
      c.adjective('cone-shaped', '尖尖的');
      c.param('form', 'pine');
    } else {
      const n = c.int(3, 6), s = c.r(0.3, 0.45);
      for (let i = 0; i < n; i++) {
        const a = (i / n) * Math.PI * 2 + c.r(0, 1);
        c.builder.add(ellipsoid(s, s * 0.9, s, 16, 10), 0, { at: [Math.sin(a) * s * 0.7, H + s * c.r(0.3, 0.8), Math.cos(a) * s * 0.7] });
      }
      c.builder.add(ellipsoid(s * 1.15, s, s * 1.15, 16, 10), 0, { at: [0, H + s * 1.3, 0] });
      c.adjective('round', '圆圆的');
      c.param('form', 'round');
    }
  },
};

export const mushroom: Category = {
  name: 'mushroom', en: 'mushroom', zh: '蘑菇', measure: '个',
  colors: ['red', 'brown', 'orange', 'yellow', 'purple', 'white', 'beige', 'blue', 'pink'], materials: ['plain', 'dots'],
  build(c) {
    const stemR = c.r(0.1, 0.2), stemH = c.r(0.35, 0.8), capR = stemR * c.r(2.0, 3.5), capH = capR * c.r(0.45, 0.9);
    const stem = c.slot({ color: c.pick(['white', 'beige']), material: 'plain' });
    c.builder.add(lathe([[stemR * 1.2, 0], [stemR, stemH * 0.3], [stemR * 0.85, stemH]], 16), stem);
    const cap: Array<[number, number]> = [[stemR * 0.8, 0], [capR, 0.02]];
    for (let i = 1; i <= 6; i++) {
      const a = (i / 6) * (Math.PI / 2);
      cap.push([capR * Math.cos(a), 0.02 + capH * Math.sin(a)]);
    }
    c.builder.add(lathe(cap, 28), 0, { at: [0, stemH - 0.02, 0] });
    if (capR / stemR > 2.9) c.adjective('wide-capped', '大伞盖的');
    if (stemH > 0.65) c.adjective('tall', '高高的');
    c.param('capRadius', capR);
  },
};

export const snowman: Category = {
  name: 'snowman', en: 'snowman', zh: '雪人', measure: '个',
  colors: colorsExcept('white'), materials: ['plain', 'stripes', 'checks'],
  colorPart: { en: 'hat', zh: '帽子' },
  build(c) {
    const snow = c.slot({ color: 'white', material: 'plain' });
    const three = c.chance(0.5);
    const sizes = three ? [c.r(0.4, 0.5), c.r(0.3, 0.36), c.r(0.2, 0.25)] : [c.r(0.42, 0.52), c.r(0.26, 0.32)];
    let y = 0;
    for (const [i, s] of sizes.entries()) {
      y += i === 0 ? s * 0.9 : s * 0.85 + sizes[i - 1] * 0.85;
      c.builder.add(ellipsoid(s, s, s, 20, 12), snow, { at: [0, y, 0] });
    }
    const head = sizes[sizes.length - 1];
    const black = c.slot({ color: 'black', material: 'plain' });
    c.builder.addMirrored(ellipsoid(0.03, 0.03, 0.03, 8, 6), black, { at: [head * 0.35, y + head * 0.25, head * 0.88] });
    c.builder.add(frustum(0.045, 0, head * 0.8, 10), c.slot({ color: 'orange', material: 'plain' }), { at: [0, y, head * 0.9], rotate: [90, 0, 0] });
    const hatH = c.r(0.18, 0.32);
    c.builder.add(cylinder(head * 1.1, 0.03, 20), 0, { at: [0, y + head * 0.8, 0] });
    c.builder.add(cylinder(head * 0.7, hatH, 20), 0, { at: [0, y + head * 0.8, 0] });
    if (c.chance(0.5)) {
      const scarf = c.slot({ color: c.main.color, material: 'stripes' });
      const neckY = y - head * 0.85;
      c.builder.add(ellipsoid(head * 1.05, 0.06, head * 1.05, 20, 8), scarf, { at: [0, neckY, 0] });
      c.feature('with a scarf', '围着围巾的');
    }
    if (three) c.adjective('three-ball', '三层的');
    c.param('balls', sizes.length);
  },
};

export const duck: Category = {
  name: 'duck', en: 'duck', zh: '鸭子', measure: '只',
  colors: ['yellow', 'white', 'brown', 'orange', 'pink', 'blue', 'green', 'black', 'gold'], materials: ['plain', 'dots', 'metal'],
  build(c) {
    const L = c.r(0.45, 0.6), Hh = c.r(0.3, 0.4);
    c.builder.add(ellipsoid(L * 0.62, Hh, L, 20, 12), 0, { at: [0, Hh, 0] });
    c.builder.add(frustum(0.15, 0.0, 0.3, 10), 0, { at: [0, Hh * 1.2, -L * 0.75], rotate: [-120, 0, 0] });
    const headR = c.r(0.22, 0.3);
    const hy = Hh * 2 + headR * 0.5, hz = L * c.r(0.35, 0.55);
    c.builder.add(ellipsoid(headR, headR, headR, 18, 10), 0, { at: [0, hy, hz] });
    const beak = c.slot({ color: c.main.color === 'orange' ? 'red' : 'orange', material: 'plain' });
    c.builder.add(ellipsoid(headR * 0.45, headR * 0.14, headR * 0.5, 12, 6), beak, { at: [0, hy - headR * 0.15, hz + headR * 0.95] });
    const eye = c.slot({ color: 'black', material: 'plain' });
    c.builder.addMirrored(ellipsoid(0.035, 0.045, 0.03, 8, 6), eye, { at: [headR * 0.55, hy + headR * 0.25, hz + headR * 0.7] });
    if (c.chance(0.4)) {
      c.builder.addMirrored(ellipsoid(0.06, Hh * 0.45, L * 0.55, 12, 8), 0, { at: [L * 0.6, Hh * 1.1, -L * 0.05], rotate: [0, 0, 15] });
      c.feature('with wings', '带翅膀的');
    }
    c.param('length', L);
  },
};

export const robot: Category = {
  name: 'robot', en: 'robot', zh: '机器人', measure: '个',
  colors: ALL_COLORS, materials: ['metal', 'plain', 'stripes', 'checks'],
  build(c) {
    const bw = c.r(0.45, 0.65), bh = c.r(0.5, 0.75), bd = c.r(0.3, 0.42), legH = c.r(0.35, 0.6);
    const joint = c.accent(['gray', 'black', 'white', 'gold'], 'metal');
    c.builder.addMirrored(cuboid(bw * 0.28, legH, bd * 0.7), joint, { at: [bw * 0.25, legH / 2, 0] });
    c.builder.addMirrored(cuboid(bw * 0.32, 0.08, bd * 0.95), 0, { at: [bw * 0.25, 0.04, 0.04] });
    c.builder.add(cuboid(bw, bh, bd), 0, { at: [0, legH + bh / 2, 0] });
    const armL = bh * c.r(0.8, 1.1);
    c.builder.addMirrored(cuboid(0.1, armL, 0.1), joint, { at: [bw / 2 + 0.07, legH + bh - armL / 2, 0], rotate: [c.r(-20, 20), 0, c.r(0, 15)] });
    const hw = bw * c.r(0.55, 0.85), hh = c.r(0.25, 0.38);
    const roundHead = c.chance(0.3);
    if (roundHead) c.builder.add(ellipsoid(hw / 2, hh / 2, hw / 2, 16, 10), 0, { at: [0, legH + bh + 0.04 + hh / 2, 0] });
    else c.builder.add(cuboid(hw, hh, bd * 0.85), 0, { at: [0, legH + bh + 0.04 + hh / 2, 0] });
    c.builder.add(cylinder(0.06, 0.05, 10), joint, { at: [0, legH + bh, 0] });
    const eye = c.accent([c.main.color === 'teal' ? 'yellow' : 'teal', 'yellow', 'red', 'black', 'white']);
    const front = roundHead ? hw / 2 - 0.02 : (bd * 0.85) / 2;
    c.builder.addMirrored(ellipsoid(0.045, 0.045, 0.03, 10, 6), eye, { at: [hw * 0.22, legH + bh + 0.04 + hh * 0.55, front] });
    if (c.chance(0.5)) {
      c.builder.add(cylinder(0.012, 0.16, 6), joint, { at: [0, legH + bh + 0.04 + hh - 0.01, 0] });
      c.builder.add(ellipsoid(0.04, 0.04, 0.04, 8, 6), eye, { at: [0, legH + bh + 0.04 + hh + 0.17, 0] });
      c.feature('with an antenna', '带天线的');
    }
    if (c.chance(0.4)) c.builder.add(cuboid(bw * 0.5, bh * 0.35, 0.02), eye, { at: [0, legH + bh * 0.55, bd / 2 + 0.005] });
    if (legH + bh > 1.25) c.adjective('tall', '高高的');
    c.param('roundHead', roundHead);
  },
};

export const NATURE: Category[] = [plant, cactus, tree, mushroom, snowman, duck, robot];
