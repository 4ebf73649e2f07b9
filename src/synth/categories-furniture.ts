import type { Vec3 } from '../geometry/mat4.js';
import { ALL_COLORS, type Category } from './category.js';
import { cuboid, cylinder, ellipsoid, frustum, lathe, ring, tube } from './shapes.js';

/** Furniture and furnishings: chair, stool, table, sofa, bed, shelf, lamp. Units are metres. */

const LEG_COLORS = ['black', 'gray', 'brown', 'white', 'gold'] as const;

export const chair: Category = {
  name: 'chair', en: 'chair', zh: '椅子', measure: '把',
  colors: ALL_COLORS, materials: ['wood', 'plain', 'metal', 'checks', 'stripes'],
  build(c) {
    const w = c.r(0.4, 0.55), d = c.r(0.4, 0.5), h = c.r(0.4, 0.5), t = c.r(0.04, 0.07);
    const backH = c.r(0.3, 0.65);
    const legSlot = c.chance(0.5) ? 0 : c.accent(LEG_COLORS, c.pick(['plain', 'metal'] as const));
    const round = c.chance(0.4);
    const leg = round ? cylinder(0.022, h - t, 10) : cuboid(0.045, h - t, 0.045);
    const legY = round ? 0 : (h - t) / 2;
    for (const z of [d / 2 - 0.04, -d / 2 + 0.04]) c.builder.addMirrored(leg, legSlot, { at: [w / 2 - 0.04, legY, z] });
    c.builder.add(cuboid(w, t, d), 0, { at: [0, h - t / 2, 0] });
    if (c.chance(0.5)) {
      c.builder.add(cuboid(w, backH, t), 0, { at: [0, h + backH / 2, -d / 2 + t / 2], rotate: [-c.r(0, 10), 0, 0] });
      c.param('back', 'panel');
    } else {
      const slats = c.int(2, 4);
      c.builder.add(cuboid(w, 0.08, t), 0, { at: [0, h + backH - 0.04, -d / 2 + t / 2] });
      for (const side of [-1, 1]) c.builder.add(cuboid(0.04, backH, t), 0, { at: [side * (w / 2 - 0.02), h + backH / 2, -d / 2 + t / 2] });
      for (let i = 0; i < slats; i++) {
        const x = -w / 2 + ((i + 1) * w) / (slats + 1);
        c.builder.add(cuboid(0.035, backH - 0.08, t * 0.7), 0, { at: [x, h + (backH - 0.08) / 2, -d / 2 + t / 2] });
      }
      c.param('back', 'slats');
    }
    if (backH > 0.52) c.adjective('high-backed', '高靠背的');
    if (c.chance(0.35)) {
      const armH = c.r(0.18, 0.25);
      for (const side of [-1, 1]) {
        c.builder.add(cuboid(0.05, 0.04, d * 0.9), 0, { at: [side * (w / 2 - 0.025), h + armH, 0] });
        c.builder.add(cuboid(0.04, armH, 0.04), legSlot, { at: [side * (w / 2 - 0.025), h + armH / 2, d * 0.4] });
      }
      c.feature('with armrests', '带扶手的');
    }
    c.param('legs', round ? 'round' : 'square');
  },
};

export const stool: Category = {
  name: 'stool', en: 'stool', zh: '凳子', measure: '把',
  colors: ALL_COLORS, materials: ['wood', 'plain', 'metal'],
  build(c) {
    const h = c.r(0.42, 0.8), r = c.r(0.15, 0.22), t = c.r(0.04, 0.07);
    const n = c.pick([3, 4, 4]);
    const splay = c.r(0.02, 0.08);
    const legSlot = c.chance(0.6) ? 0 : c.accent(LEG_COLORS, 'metal');
    if (c.chance(0.5)) c.builder.add(cylinder(r, t, 24), 0, { at: [0, h - t, 0] });
    else c.builder.add(lathe([[r * 0.9, 0], [r, t * 0.5], [r * 0.95, t], [0, t * 1.2]], 24), 0, { at: [0, h - t, 0] });
    for (let i = 0; i < n; i++) {
      const a = (i / n) * Math.PI * 2 + Math.PI / 4;
      const top: Vec3 = [Math.sin(a) * r * 0.65, h - t, Math.cos(a) * r * 0.65];
      const bottom: Vec3 = [Math.sin(a) * (r * 0.65 + splay), 0.01, Math.cos(a) * (r * 0.65 + splay)];
      c.builder.add(tube([bottom, top], 0.018, 8), legSlot);
    }
    if (c.chance(0.5)) {
      c.builder.add(ring(r * 0.65 + splay * 0.6, 0.012, 24, 6), legSlot, { at: [0, h * 0.33, 0] });
      c.feature('with a footrest', '带脚踏的');
    }
    if (h > 0.65) c.adjective('tall', '高高的');
    else if (h < 0.5) c.adjective('low', '矮矮的');
    if (n === 3) c.adjective('three-legged', '三条腿的');
    c.param('height', h);
  },
};

export const table: Category = {
  name: 'table', en: 'table', zh: '桌子', measure: '张',
  colors: ALL_COLORS, materials: ['wood', 'plain', 'stone', 'metal', 'checks'],
  build(c) {
    const h = c.r(0.4, 0.78), t = c.r(0.03, 0.06);
    const round = c.chance(0.4);
    const legSlot = c.chance(0.6) ? 0 : c.accent(LEG_COLORS, c.pick(['plain', 'metal'] as const));
    if (round) {
      const r = c.r(0.35, 0.6);
      c.builder.add(cylinder(r, t, 32), 0, { at: [0, h - t, 0] });
      if (c.chance(0.5)) {
        c.builder.add(cylinder(0.04, h - t, 12), legSlot);
        c.builder.add(frustum(r * 0.5, 0.05, 0.05, 24), legSlot);
        c.param('base', 'pedestal');
      } else {
        for (let i = 0; i < 3; i++) {
          const a = (i / 3) * Math.PI * 2;
          c.builder.add(tube([[Math.sin(a) * r * 0.75, 0.01, Math.cos(a) * r * 0.75], [Math.sin(a) * r * 0.6, h - t, Math.cos(a) * r * 0.6]], 0.025, 8), legSlot);
        }
        c.param('base', 'legs');
      }
      c.adjective('round', '圆形的');
    } else {
      const w = c.r(0.7, 1.5), d = c.r(0.5, 0.85);
      c.builder.add(cuboid(w, t, d), 0, { at: [0, h - t / 2, 0] });
      const leg = cuboid(0.06, h - t, 0.06);
      for (const z of [d / 2 - 0.06, -d / 2 + 0.06]) c.builder.addMirrored(leg, legSlot, { at: [w / 2 - 0.06, (h - t) / 2, z] });
      if (c.chance(0.3)) c.builder.add(cuboid(w * 0.85, 0.03, d * 0.85), legSlot, { at: [0, h * 0.3, 0] });
      if (w > 1.2) c.adjective('long', '长长的');
    }
    if (h < 0.5) c.adjective('low', '矮矮的');
    c.param('height', h);
  },
};

export const sofa: Category = {
  name: 'sofa', en: 'sofa', zh: '沙发', measure: '张',
  colors: ALL_COLORS, materials: ['plain', 'checks', 'stripes', 'dots'],
  build(c) {
    const seats = c.pick([1, 2, 3, 3]);
    const w = 0.2 + seats * c.r(0.55, 0.7), d = c.r(0.8, 0.95), baseH = c.r(0.3, 0.4);
    const armW = c.r(0.12, 0.22), armH = c.r(0.55, 0.7), backH = c.r(0.75, 0.95);
    const legSlot = c.accent(['black', 'brown', 'gold', 'gray']);
    c.builder.add(cuboid(w, baseH, d), 0, { at: [0, 0.08 + baseH / 2, 0] });
    c.builder.add(cuboid(w, backH - 0.08, 0.2), 0, { at: [0, 0.08 + (backH - 0.08) / 2, -d / 2 + 0.1] });
    for (const s of [-1, 1]) c.builder.add(cuboid(armW, armH - 0.08, d), 0, { at: [s * (w / 2 - armW / 2), 0.08 + (armH - 0.08) / 2, 0] });
    const inner = w - 2 * armW;
    for (let i = 0; i < seats; i++) {
      const x = -inner / 2 + (i + 0.5) * (inner / seats);
      c.builder.add(cuboid(inner / seats - 0.02, 0.12, d - 0.25), 0, { at: [x, 0.08 + baseH + 0.06, 0.1] });
    }
    for (const z of [d / 2 - 0.06, -d / 2 + 0.06]) c.builder.addMirrored(cylinder(0.03, 0.08, 8), legSlot, { at: [w / 2 - 0.08, 0, z] });
    if (c.chance(0.4)) {
      const pillowSlot = c.accent(ALL_COLORS);
      c.builder.addMirrored(cuboid(0.35, 0.3, 0.1), pillowSlot, { at: [inner / 2 - 0.25, 0.08 + baseH + 0.3, -d / 2 + 0.28], rotate: [-15, 10, 0] });
      c.feature('with cushions', '带靠垫的');
    }
    if (seats === 3) c.adjective('long', '长长的');
    else if (seats === 1) c.adjective('small', '小小的');
    c.param('seats', seats);
  },
};

export const bed: Category = {
  name: 'bed', en: 'bed', zh: '床', measure: '张',
  colors: ALL_COLORS, materials: ['wood', 'plain', 'metal'],
  build(c) {
    const double = c.chance(0.5);
    const w = double ? c.r(1.4, 1.8) : c.r(0.9, 1.1), l = c.r(1.9, 2.1), h = c.r(0.25, 0.4);
    const sheet = c.accent(['white', 'beige', 'blue', 'gray', 'pink'], c.pick(['plain', 'plain', 'stripes', 'checks'] as const));
    c.builder.add(cuboid(w, h, l), 0, { at: [0, h / 2 + 0.1, 0] });
    for (const z of [l / 2 - 0.05, -l / 2 + 0.05]) c.builder.addMirrored(cuboid(0.07, 0.12, 0.07), 0, { at: [w / 2 - 0.05, 0.06, z] });
    c.builder.add(cuboid(w - 0.06, 0.22, l - 0.1), sheet, { at: [0, h + 0.1 + 0.11, 0.02] });
    const headH = c.r(0.5, 0.9);
    c.builder.add(cuboid(w + 0.04, headH, 0.07), 0, { at: [0, headH / 2 + 0.1, -l / 2 - 0.035] });
    const pillowSlot = c.accent(['white', 'beige', 'gray']);
    const pillows = double ? 2 : 1;
    for (let i = 0; i < pillows; i++) {
      const x = pillows === 1 ? 0 : (i - 0.5) * w * 0.48;
      c.builder.add(ellipsoid(w / (pillows * 2.4), 0.07, 0.18), pillowSlot, { at: [x, h + 0.1 + 0.24, -l / 2 + 0.3] });
    }
    if (c.chance(0.4)) {
      c.builder.add(cuboid(w + 0.04, 0.35, 0.07), 0, { at: [0, 0.28, l / 2 + 0.035] });
      c.feature('with a footboard', '带床尾板的');
    }
    c.adjective(double ? 'double' : 'single', double ? '双人' : '单人');
    c.param('width', w);
  },
};

export const shelf: Category = {
  name: 'shelf', en: 'bookshelf', zh: '书架', measure: '个',
  colors: ALL_COLORS, materials: ['wood', 'plain', 'metal'],
  build(c) {
    const w = c.r(0.6, 1.2), h = c.r(0.9, 2.0), d = c.r(0.28, 0.38), t = 0.03;
    const levels = Math.max(2, Math.round(h / c.r(0.3, 0.42)));
    c.builder.addMirrored(cuboid(t, h, d), 0, { at: [w / 2 - t / 2, h / 2, 0] });
    c.builder.add(cuboid(w - 2 * t, t, d), 0, { at: [0, h - t / 2, 0] });
    c.builder.add(cuboid(w - 2 * t, h, 0.02), 0, { at: [0, h / 2, -d / 2 + 0.01] });
    const books = c.chance(0.7);
    const bookSlots = books ? [c.accent(ALL_COLORS), c.accent(ALL_COLORS), c.accent(ALL_COLORS)] : [];
    for (let i = 0; i < levels; i++) {
      const y = (i * (h - t)) / levels;
      c.builder.add(cuboid(w - 2 * t, t, d), 0, { at: [0, y + t / 2, 0] });
      if (!books || c.chance(0.25)) continue;
      let x = -w / 2 + t + 0.01;
      const gap = (h - t) / levels - t;
      while (x < w / 2 - t - 0.06) {
        const bw = c.r(0.025, 0.05), bh = Math.min(gap - 0.02, c.r(0.18, 0.28));
        if (x + bw > w / 2 - t || bh < 0.08) break;
        if (c.chance(0.85)) c.builder.add(cuboid(bw, bh, d * 0.8), c.pick(bookSlots), { at: [x + bw / 2, y + t + bh / 2, 0.01] });
        x += bw + 0.004;
      }
    }
    if (books) c.feature('with books', '放着书的');
    if (h > 1.6) c.adjective('tall', '高高的');
    else if (h < 1.1) c.adjective('low', '矮矮的');
    c.param('levels', levels);
  },
};

export const lamp: Category = {
  name: 'lamp', en: 'lamp', zh: '灯', measure: '盏',
  colors: ALL_COLORS, materials: ['plain', 'metal', 'stripes', 'dots'],
  build(c) {
    const floor = c.chance(0.4);
    const poleH = floor ? c.r(1.2, 1.6) : c.r(0.25, 0.45);
    const baseR = floor ? c.r(0.15, 0.22) : c.r(0.08, 0.13);
    const metal = c.accent(['black', 'gray', 'gold', 'white'], 'metal');
    c.builder.add(lathe([[baseR, 0], [baseR, 0.02], [baseR * 0.6, 0.05], [0.02, 0.06]], 24), metal);
    c.builder.add(cylinder(floor ? 0.015 : 0.012, poleH, 10), metal, { at: [0, 0.05, 0] });
    const shadeH = floor ? c.r(0.28, 0.4) : c.r(0.16, 0.26);
    const r0 = shadeH * c.r(0.7, 1.1), r1 = r0 * c.r(0.45, 0.9);
    c.builder.add(frustum(r0, r1, shadeH, 28), 0, { at: [0, 0.05 + poleH - shadeH * 0.4, 0] });
    c.adjective(floor ? 'tall' : 'small', floor ? '高高的' : '小小的');
    c.param('floor', floor);
  },
};

export const FURNITURE: Category[] = [chair, stool, table, sofa, bed, shelf, lamp];
