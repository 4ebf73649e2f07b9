import type { Vec3 } from '../geometry/mat4.js';
import { ALL_COLORS, colorsExcept, type Category } from './category.js';
import { cylinder, ellipsoid, frustum, lathe, ring, tube } from './shapes.js';

/** Vessels and containers: mug, cup, bowl, vase, bottle, teapot, barrel, lantern. */

/** A semicircular handle on the +x side of a body of radius `x0`, centred at height `y`. */
function handlePath(x0: number, y: number, reach: number, height: number): Vec3[] {
  const pts: Vec3[] = [];
  for (let i = 0; i <= 10; i++) {
    const a = -Math.PI / 2 + (i / 10) * Math.PI;
    pts.push([x0 + reach * Math.cos(a), y + (height / 2) * Math.sin(a), 0]);
  }
  return pts;
}

export const mug: Category = {
  name: 'mug', en: 'mug', zh: '马克杯', measure: '个',
  colors: ALL_COLORS, materials: ['plain', 'stripes', 'dots', 'checks', 'metal', 'stone'],
  build(c) {
    const R = c.r(0.32, 0.45), H = c.r(0.7, 1.15), t = c.r(0.03, 0.05);
    c.builder.add(lathe([[R * 0.95, 0], [R, 0.03], [R, H], [R - t, H], [R - t, 0.08], [0, 0.08]], 32), 0);
    const hs = c.chance(0.7) ? 0 : c.accent(ALL_COLORS);
    c.builder.add(tube(handlePath(R - 0.02, H * 0.52, c.r(0.16, 0.24), H * c.r(0.45, 0.6)), 0.035, 8), hs);
    if (H / R > 2.5) c.adjective('tall', '高高的');
    else if (H / R < 1.9) c.adjective('short', '矮矮的');
    c.param('aspect', H / R);
  },
};

export const cup: Category = {
  name: 'cup', en: 'cup', zh: '杯子', measure: '只',
  colors: ALL_COLORS, materials: ['plain', 'stripes', 'dots', 'checks'],
  build(c) {
    const rb = c.r(0.22, 0.32), rt = rb * c.r(1.15, 1.5), H = c.r(0.6, 1.2), t = 0.025;
    c.builder.add(lathe([[rb, 0], [rt, H], [rt - t, H], [rb - t, 0.05], [0, 0.05]], 32), 0);
    if (c.chance(0.4)) {
      const lid = c.accent(['white', 'black', 'brown', 'gray']);
      c.builder.add(lathe([[rt + 0.01, 0], [rt + 0.01, 0.04], [rt * 0.8, 0.08], [0, 0.09]], 32), lid, { at: [0, H - 0.02, 0] });
      c.feature('with a lid', '带盖子的');
    }
    if (H > 1.0) c.adjective('tall', '高高的');
    c.param('height', H);
  },
};

export const bowl: Category = {
  name: 'bowl', en: 'bowl', zh: '碗', measure: '只',
  colors: ALL_COLORS, materials: ['plain', 'wood', 'stone', 'stripes', 'dots', 'metal'],
  build(c) {
    const R = c.r(0.8, 1.0), depth = c.r(0.35, 0.65), t = 0.05, foot = R * c.r(0.35, 0.5);
    const outer: Array<[number, number]> = [[foot, 0], [foot, 0.06]];
    const inner: Array<[number, number]> = [];
    for (let i = 1; i <= 8; i++) {
      const a = (i / 8) * (Math.PI / 2);
      const r = foot + (R - foot) * Math.sin(a);
      const y = 0.06 + depth * (1 - Math.cos(a));
      outer.push([r, y]);
    }
    for (let i = 8; i >= 0; i--) {
      const a = (i / 8) * (Math.PI / 2);
      inner.push([Math.max(0, (R - t) * Math.sin(a)), 0.06 + t + (depth - t) * (1 - Math.cos(a))]);
    }
    c.builder.add(lathe([...outer, ...inner], 32), 0);
    if (depth > 0.55) c.adjective('deep', '深深的');
    else if (depth < 0.42) c.adjective('shallow', '浅浅的');
    c.param('depth', depth);
  },
};

export const vase: Category = {
  name: 'vase', en: 'vase', zh: '花瓶', measure: '个',
  colors: ALL_COLORS, materials: ['plain', 'stone', 'stripes', 'dots', 'metal', 'checks'],
  build(c) {
    const H = c.r(0.9, 2.0), belly = c.r(0.3, 0.55), neck = belly * c.r(0.2, 0.75);
    const bellyY = H * c.r(0.25, 0.55), lip = neck * c.r(1.0, 1.5), base = belly * c.r(0.5, 0.8);
    const profile: Array<[number, number]> = [[base, 0]];
    for (let i = 1; i <= 10; i++) {
      const y = (i / 10) * H * 0.88;
      const s = y < bellyY ? Math.sin((y / bellyY) * (Math.PI / 2)) : Math.cos(((y - bellyY) / (H * 0.88 - bellyY)) * (Math.PI / 2));
      const r = y < bellyY ? base + (belly - base) * s : neck + (belly - neck) * s;
      profile.push([r, y]);
    }
    profile.push([lip, H], [lip - 0.03, H], [Math.max(0.02, neck - 0.04), H - 0.2], [0, H - 0.2]);
    c.builder.add(lathe(profile, 32), 0);
    if (H > 1.5) c.adjective('tall', '高高的');
    else if (H < 1.15) c.adjective('short', '矮矮的');
    if (neck < belly * 0.4) c.adjective('narrow-necked', '细颈的');
    else if (belly > 0.48) c.adjective('round', '圆肚的');
    c.param('height', H);
    c.param('neck', neck / belly);
  },
};

export const bottle: Category = {
  name: 'bottle', en: 'bottle', zh: '瓶子', measure: '个',
  colors: ALL_COLORS, materials: ['plain', 'stripes', 'metal'],
  build(c) {
    const R = c.r(0.18, 0.3), body = c.r(0.6, 1.1), shoulder = c.r(0.12, 0.3), neckR = c.r(0.06, 0.1), neckH = c.r(0.1, 0.3);
    const profile: Array<[number, number]> = [[R * 0.95, 0], [R, 0.03], [R, body]];
    for (let i = 1; i <= 5; i++) {
      const a = (i / 5) * (Math.PI / 2);
      profile.push([neckR + (R - neckR) * Math.cos(a), body + shoulder * Math.sin(a)]);
    }
    profile.push([neckR, body + shoulder + neckH], [0, body + shoulder + neckH]);
    c.builder.add(lathe(profile, 28), 0);
    const cap = c.accent(colorsExcept(c.main.color));
    c.builder.add(cylinder(neckR * 1.15, 0.08, 16), cap, { at: [0, body + shoulder + neckH - 0.05, 0] });
    if (c.chance(0.5)) {
      const label = c.accent(['white', 'beige', 'yellow', 'black']);
      c.builder.add(cylinder(R + 0.005, body * 0.4, 28), label, { at: [0, body * 0.3, 0] });
      c.feature('with a label', '带标签的');
    }
    if (body > 0.9) c.adjective('tall', '高高的');
    c.param('height', body + shoulder + neckH);
  },
};

export const teapot: Category = {
  name: 'teapot', en: 'teapot', zh: '茶壶', measure: '把',
  colors: ALL_COLORS, materials: ['plain', 'dots', 'stripes', 'metal', 'stone'],
  build(c) {
    const R = c.r(0.45, 0.6), H = R * c.r(1.1, 1.6);
    const profile: Array<[number, number]> = [];
    for (let i = 0; i <= 10; i++) {
      const a = -Math.PI / 2 + (i / 10) * Math.PI;
      profile.push([Math.max(R * 0.5, R * Math.cos(a)) * (i === 10 ? 0.55 : 1), (H / 2) * (1 + Math.sin(a))]);
    }
    profile[0] = [R * 0.55, 0];
    c.builder.add(lathe(profile, 32), 0);
    const lidSlot = c.chance(0.7) ? 0 : c.accent(ALL_COLORS);
    c.builder.add(lathe([[R * 0.6, 0], [R * 0.45, 0.08], [R * 0.1, 0.12], [0, 0.12]], 24), lidSlot, { at: [0, H - 0.02, 0] });
    c.builder.add(ellipsoid(0.06, 0.05, 0.06), lidSlot, { at: [0, H + 0.13, 0] });
    const spoutLen = c.r(0.35, 0.55);
    c.builder.add(tube([[R * 0.7, H * 0.35, 0], [R + spoutLen * 0.5, H * 0.5, 0], [R + spoutLen, H * 0.8, 0]], [0.09, 0.06, 0.045], 10), 0);
    c.builder.add(tube(handlePath(-R * 0.85, H * 0.5, 0.3, H * 0.55).map(([x, y, z]) => [-x - 1.7 * R, y, z] as Vec3), 0.04, 8), lidSlot);
    if (H / R < 1.3) c.adjective('round', '圆圆的');
    c.param('aspect', H / R);
  },
};

export const barrel: Category = {
  name: 'barrel', en: 'barrel', zh: '桶', measure: '个',
  colors: ['brown', 'beige', 'red', 'green', 'blue', 'gray', 'orange', 'black', 'yellow'], materials: ['wood', 'plain', 'metal'],
  build(c) {
    const R = c.r(0.35, 0.45), H = c.r(0.8, 1.2), bulge = c.r(0.05, 0.12);
    const profile: Array<[number, number]> = [];
    for (let i = 0; i <= 10; i++) {
      const y = (i / 10) * H;
      profile.push([R + bulge * Math.sin((i / 10) * Math.PI), y]);
    }
    c.builder.add(lathe(profile, 32), 0);
    const hoopSlot = c.accent(['black', 'gray', 'gold'], 'metal');
    const hoops = c.int(2, 4);
    for (let i = 0; i < hoops; i++) {
      const f = hoops === 2 ? [0.15, 0.85][i] : 0.1 + (0.8 * i) / (hoops - 1);
      c.builder.add(ring(R + bulge * Math.sin(f * Math.PI), 0.018, 32, 6), hoopSlot, { at: [0, f * H, 0] });
    }
    if (H > 1.05) c.adjective('tall', '高高的');
    c.param('hoops', hoops);
  },
};

export const lantern: Category = {
  name: 'lantern', en: 'lantern', zh: '灯笼', measure: '盏',
  colors: ['red', 'orange', 'yellow', 'white', 'pink', 'gold', 'blue', 'green', 'purple'], materials: ['plain', 'stripes', 'dots'],
  build(c) {
    const round = c.chance(0.55);
    const cap = c.accent(['gold', 'black', 'brown', 'red'], 'metal');
    const R = c.r(0.35, 0.5), H = c.r(0.6, 1.0);
    if (round) {
      c.builder.add(ellipsoid(R, H / 2, R, 28, 14), 0, { at: [0, H / 2 + 0.1, 0] });
      c.adjective('round', '圆圆的');
    } else {
      c.builder.add(cylinder(R * 0.85, H, 6), 0, { at: [0, 0.1, 0] });
      c.adjective('hexagonal', '六角的');
    }
    c.builder.add(cylinder(R * 0.55, 0.1, 20), cap, { at: [0, 0.02, 0] });
    c.builder.add(cylinder(R * 0.55, 0.1, 20), cap, { at: [0, H + 0.08, 0] });
    c.builder.add(ring(0.1, 0.015, 16, 6), cap, { at: [0, H + 0.26, 0], rotate: [90, 0, 0] });
    if (c.chance(0.5)) {
      c.builder.add(frustum(0.01, 0.05, 0.25, 8), cap, { at: [0, -0.23, 0] });
      c.feature('with a tassel', '带流苏的');
    }
    c.param('round', round);
  },
};

export const VESSELS: Category[] = [mug, cup, bowl, vase, bottle, teapot, barrel, lantern];
