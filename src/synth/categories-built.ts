import type { Vec3 } from '../geometry/mat4.js';
import { ALL_COLORS, colorsExcept, type BuildContext, type Category } from './category.js';
import { cuboid, cylinder, ellipsoid, frustum, lathe, loft, prism } from './shapes.js';

/** Buildings, vehicles and food: house, tower, car, truck, boat, rocket, airplane, cake, hamburger. */

const GLASS = ['teal', 'blue', 'gray', 'black', 'white'] as const;

/** Four wheels (or six, with `rearAxles` 2) as cylinders with their axes along x. */
function wheels(c: BuildContext, r: number, width: number, halfTrack: number, axles: number[]): void {
  const tyre = c.slot({ color: 'black', material: 'plain' });
  for (const z of axles) c.builder.addMirrored(cylinder(r, width, 16), tyre, { at: [halfTrack + width, r, z], rotate: [0, 0, 90] });
}

export const house: Category = {
  name: 'house', en: 'house', zh: '房子', measure: '座',
  colors: ALL_COLORS, materials: ['plain', 'wood', 'stone', 'stripes'],
  build(c) {
    const W = c.r(1.0, 1.6), D = c.r(0.8, 1.3), tall = c.chance(0.4), Hw = tall ? c.r(1.1, 1.4) : c.r(0.6, 0.85);
    const roofH = c.r(0.35, 0.7), o = 0.08;
    c.builder.add(cuboid(W, Hw, D), 0, { at: [0, Hw / 2, 0] });
    const roof = c.accent(colorsExcept(c.main.color, 'white', 'yellow', 'beige', 'pink'));
    c.builder.add(prism([[-W / 2 - o, Hw], [W / 2 + o, Hw], [0, Hw + roofH]], D + 2 * o), roof);
    const wood = c.slot({ color: c.pick(['brown', 'red', 'blue', 'green', 'white']), material: 'wood' });
    const doorX = c.r(-W * 0.25, W * 0.25);
    c.builder.add(cuboid(0.22, 0.4, 0.03), wood, { at: [doorX, 0.2, D / 2 + 0.015] });
    const glass = c.accent(GLASS);
    const floors = tall ? 2 : 1;
    for (let f = 0; f < floors; f++) {
      const y = f === 0 ? Hw / (tall ? 4 : 2) + 0.05 : (Hw * 3) / 4;
      for (const x of [-W * 0.33, W * 0.33]) {
        if (f === 0 && Math.abs(x - doorX) < 0.25) continue;
        c.builder.add(cuboid(0.18, 0.18, 0.03), glass, { at: [x, y, D / 2 + 0.015] });
      }
      c.builder.addMirrored(cuboid(0.03, 0.18, 0.18), glass, { at: [W / 2 + 0.015, y, 0] });
    }
    if (c.chance(0.5)) {
      c.builder.add(cuboid(0.14, roofH * 0.8, 0.14), roof, { at: [W * 0.25, Hw + roofH * 0.55, -D * 0.2] });
      c.feature('with a chimney', '带烟囱的');
    }
    c.adjective(tall ? 'two-story' : 'small', tall ? '两层的' : '小小的');
    c.param('floors', floors);
  },
};

export const tower: Category = {
  name: 'tower', en: 'tower', zh: '塔楼', measure: '座',
  colors: ['gray', 'beige', 'white', 'brown', 'red', 'yellow', 'blue', 'pink', 'black', 'orange'], materials: ['stone', 'plain', 'stripes'],
  build(c) {
    const R = c.r(0.3, 0.45), H = c.r(1.4, 2.4);
    c.builder.add(lathe([[R * 1.15, 0], [R, H * 0.15], [R, H]], 24), 0);
    const dark = c.slot({ color: 'black', material: 'plain' });
    for (let i = 0; i < c.int(2, 4); i++) c.builder.add(cuboid(0.1, 0.18, 0.04), dark, { at: [0, H * (0.35 + i * 0.18), R - 0.005], rotate: [0, c.pick([0, 90, 180, 270]), 0] });
    c.builder.add(cuboid(0.2, 0.32, 0.04), c.slot({ color: 'brown', material: 'wood' }), { at: [0, 0.16 + H * 0.02, R * 1.08] });
    if (c.chance(0.55)) {
      const roof = c.accent(['red', 'blue', 'green', 'gray', 'brown', 'black', 'purple', 'teal']);
      c.builder.add(frustum(R * 1.25, 0, R * c.r(1.5, 2.5), 24), roof, { at: [0, H, 0] });
      c.feature('with a pointed roof', '尖顶的');
      c.param('top', 'roof');
    } else {
      c.builder.add(cylinder(R * 1.15, 0.12, 24), 0, { at: [0, H - 0.02, 0] });
      const n = c.int(6, 10);
      for (let i = 0; i < n; i++) {
        const a = (i / n) * Math.PI * 2;
        c.builder.add(cuboid(0.12, 0.14, 0.1), 0, { at: [Math.sin(a) * R * 1.05, H + 0.17, Math.cos(a) * R * 1.05], rotate: [0, (a * 180) / Math.PI, 0] });
      }
      c.feature('with battlements', '带城垛的');
      c.param('top', 'battlements');
    }
    if (H > 2.0) c.adjective('tall', '高高的');
  },
};

export const car: Category = {
  name: 'car', en: 'car', zh: '汽车', measure: '辆',
  colors: ALL_COLORS, materials: ['plain', 'metal', 'stripes', 'checks'],
  build(c) {
    const L = c.r(1.6, 2.2), W = c.r(0.75, 0.9), wr = c.r(0.16, 0.22), bodyH = c.r(0.28, 0.38);
    const y0 = wr * 0.7;
    c.builder.add(cuboid(W, bodyH, L), 0, { at: [0, y0 + bodyH / 2, 0] });
    const cabinH = c.r(0.25, 0.36), back = c.r(0.3, 0.45), front = c.r(-0.05, 0.2);
    // Side profile of the cabin (x here is −z of the car, so the windscreen leans towards +z).
    c.builder.add(prism([[back * L, 0], [-front * L, 0], [-(front - 0.12) * L, cabinH], [(back - 0.1) * L, cabinH]], W * 0.86), 0, { at: [0, y0 + bodyH, 0], rotate: [0, 90, 0] });
    const glass = c.accent(GLASS);
    c.builder.addMirrored(cuboid(0.02, cabinH * 0.6, (back + front - 0.25) * L), glass, { at: [W * 0.43 + 0.005, y0 + bodyH + cabinH * 0.45, (front - back) * L * 0.5 + 0.03] });
    const lights = c.slot({ color: 'yellow', material: 'plain' });
    c.builder.addMirrored(cuboid(0.14, 0.07, 0.02), lights, { at: [W * 0.32, y0 + bodyH * 0.65, L / 2 + 0.01] });
    wheels(c, wr, 0.14, W / 2 - 0.1, [L * 0.32, -L * 0.32]);
    if (back + front > 0.55) c.adjective('long', '长长的');
    else if (L < 1.8) c.adjective('small', '小小的');
    c.param('length', L);
  },
};

export const truck: Category = {
  name: 'truck', en: 'truck', zh: '卡车', measure: '辆',
  colors: ALL_COLORS, materials: ['plain', 'metal', 'stripes'],
  build(c) {
    const L = c.r(2.2, 3.2), W = c.r(0.9, 1.1), wr = c.r(0.2, 0.26), cabL = c.r(0.6, 0.8), cabH = c.r(0.7, 0.9);
    const y0 = wr * 0.8;
    const chassis = c.slot({ color: 'gray', material: 'metal' });
    c.builder.add(cuboid(W * 0.8, 0.15, L), chassis, { at: [0, y0, 0] });
    c.builder.add(cuboid(W, cabH, cabL), 0, { at: [0, y0 + 0.075 + cabH / 2, L / 2 - cabL / 2] });
    const glass = c.accent(GLASS);
    c.builder.add(cuboid(W * 0.8, cabH * 0.35, 0.02), glass, { at: [0, y0 + 0.075 + cabH * 0.7, L / 2 + 0.01] });
    const cargoL = L - cabL - 0.1;
    if (c.chance(0.6)) {
      const box = c.chance(0.5) ? 0 : c.accent(['white', 'gray', 'blue', 'red', 'yellow', 'green', 'orange']);
      const boxH = cabH * c.r(1.1, 1.4);
      c.builder.add(cuboid(W * 1.02, boxH, cargoL), box, { at: [0, y0 + 0.075 + boxH / 2, -L / 2 + cargoL / 2] });
      c.feature('with a cargo box', '带货箱的');
    } else {
      c.builder.add(cuboid(W, 0.06, cargoL), 0, { at: [0, y0 + 0.1, -L / 2 + cargoL / 2] });
      for (const s of [-1, 1]) c.builder.add(cuboid(0.05, 0.3, cargoL), 0, { at: [s * (W / 2 - 0.025), y0 + 0.28, -L / 2 + cargoL / 2] });
      c.builder.add(cuboid(W, 0.3, 0.05), 0, { at: [0, y0 + 0.28, -L / 2 + 0.025] });
      c.adjective('open-bed', '敞篷的');
    }
    wheels(c, wr, 0.16, W / 2 - 0.12, L > 2.7 ? [L / 2 - cabL * 0.5, -L * 0.2, -L * 0.38] : [L / 2 - cabL * 0.5, -L * 0.3]);
    if (L > 2.7) c.adjective('long', '长长的');
    c.param('length', L);
  },
};

export const boat: Category = {
  name: 'boat', en: 'boat', zh: '船', measure: '艘',
  colors: ALL_COLORS, materials: ['plain', 'wood', 'stripes', 'metal'],
  build(c) {
    const L = c.r(1.6, 2.4), W = c.r(0.55, 0.8), D = c.r(0.3, 0.45), deck = D;
    const sections: Vec3[][] = [];
    for (let i = 0; i <= 8; i++) {
      const t = i / 8, z = -L / 2 + t * L;
      const w = Math.max(0.02, W * (t < 0.55 ? 1 - 0.15 * (1 - t / 0.55) : Math.cos(((t - 0.55) / 0.45) * (Math.PI / 2))));
      const keel = t < 0.7 ? 0 : ((t - 0.7) / 0.3) * D * 0.6;
      sections.push([
        [-w / 2, deck, z], [-w / 2 * 0.92, keel + (deck - keel) * 0.45, z], [-w * 0.22, keel, z],
        [w * 0.22, keel, z], [w / 2 * 0.92, keel + (deck - keel) * 0.45, z], [w / 2, deck, z],
      ]);
    }
    c.builder.add(loft(sections), 0);
    const deckSlot = c.slot({ color: c.pick(['brown', 'beige', 'white']), material: 'wood' });
    if (c.chance(0.5)) {
      const mastH = L * c.r(0.6, 0.9);
      c.builder.add(cylinder(0.025, mastH, 8), deckSlot, { at: [0, deck, L * 0.05] });
      const sail = c.accent(['white', 'beige', 'red', 'yellow', 'blue', 'white']);
      c.builder.add(prism([[0, 0], [L * 0.42, 0], [0, mastH * 0.85]], 0.02), sail, { at: [0, deck + 0.12, L * 0.02], rotate: [0, 90, 0] });
      c.feature('with a sail', '带帆的');
      c.param('kind', 'sail');
    } else {
      const cabinL = L * c.r(0.25, 0.4), cabinH = c.r(0.25, 0.4);
      c.builder.add(cuboid(W * 0.6, cabinH, cabinL), deckSlot, { at: [0, deck + cabinH / 2, -L * 0.1] });
      const glass = c.accent(GLASS);
      c.builder.add(cuboid(W * 0.5, cabinH * 0.35, 0.02), glass, { at: [0, deck + cabinH * 0.65, -L * 0.1 + cabinL / 2 + 0.01] });
      c.feature('with a cabin', '带船舱的');
      c.param('kind', 'motor');
    }
    if (L > 2.1) c.adjective('long', '长长的');
  },
};

export const rocket: Category = {
  name: 'rocket', en: 'rocket', zh: '火箭', measure: '枚',
  colors: ALL_COLORS, materials: ['plain', 'metal', 'stripes', 'checks'],
  build(c) {
    const R = c.r(0.14, 0.22), H = c.r(1.2, 2.0), noseH = R * c.r(2, 3.5);
    const body: Array<[number, number]> = [[R * 0.9, 0], [R, 0.05], [R, H - noseH]];
    for (let i = 1; i <= 6; i++) {
      const t = i / 6;
      body.push([R * Math.sqrt(Math.max(0, 1 - t * t)), H - noseH + noseH * t]);
    }
    c.builder.add(lathe(body, 24), 0);
    const fin = c.accent(colorsExcept(c.main.color));
    const n = c.pick([3, 4, 4]);
    const finH = H * c.r(0.2, 0.3), finW = R * c.r(1.2, 2.0);
    for (let i = 0; i < n; i++) {
      c.builder.add(prism([[R * 0.8, 0], [R + finW, -0.1], [R + finW * 0.7, finH * 0.3], [R * 0.8, finH]], 0.03), fin, { rotate: [0, (i * 360) / n + 45, 0] });
    }
    c.builder.add(frustum(R * 0.55, R * 0.75, 0.15, 16), c.slot({ color: 'gray', material: 'metal' }), { at: [0, -0.14, 0] });
    const glass = c.accent(GLASS);
    c.builder.add(ellipsoid(R * 0.4, R * 0.4, 0.04, 12, 8), glass, { at: [0, H * 0.6, R - 0.01] });
    if (H / R > 9) c.adjective('slender', '细长的');
    c.param('fins', n);
  },
};

export const airplane: Category = {
  name: 'airplane', en: 'airplane', zh: '飞机', measure: '架',
  colors: ALL_COLORS, materials: ['plain', 'metal', 'stripes'],
  build(c) {
    const L = c.r(1.8, 2.6), R = c.r(0.13, 0.2), span = L * c.r(0.45, 0.6), chord = c.r(0.3, 0.45), sweep = c.r(0, 0.3);
    const fus: Array<[number, number]> = [[0.02, 0], [R * 0.6, L * 0.08], [R, L * 0.2], [R, L * 0.75]];
    for (let i = 1; i <= 4; i++) fus.push([R * Math.cos((i / 4) * (Math.PI / 2)) + 0.01 * (i < 4 ? 1 : 0), L * 0.75 + L * 0.25 * Math.sin((i / 4) * (Math.PI / 2))]);
    fus[fus.length - 1][0] = 0;
    // Built along +y, turned so the nose points to +z.
    c.builder.add(lathe(fus, 20), 0, { at: [0, 0.4, -L / 2], rotate: [90, 0, 0] });
    const wing = c.accent([c.main.color, 'white', 'gray', 'red', 'blue']);
    const wingShape: Array<[number, number]> = [[-span, -sweep - chord * 0.5], [-span, -sweep], [0, chord * 0.5], [span, -sweep], [span, -sweep - chord * 0.5], [0, -chord * 0.6]];
    c.builder.add(prism(wingShape, 0.05), wing, { at: [0, 0.4 - R * 0.3, L * 0.05], rotate: [90, 0, 0] });
    const tail: Array<[number, number]> = [[-span * 0.35, -0.15], [-span * 0.35, 0], [0, 0.12], [span * 0.35, 0], [span * 0.35, -0.15], [0, -0.2]];
    c.builder.add(prism(tail, 0.04), wing, { at: [0, 0.4, -L * 0.42], rotate: [90, 0, 0] });
    c.builder.add(prism([[0, 0], [0.35, 0], [0.12, 0.4], [0.02, 0.4]], 0.04), wing, { at: [0, 0.4 + R * 0.6, -L * 0.5 + 0.02], rotate: [0, 90, 0] });
    if (c.chance(0.5)) {
      c.builder.add(ellipsoid(0.06, 0.06, 0.08, 10, 6), 0, { at: [0, 0.4, L / 2 + 0.02] });
      const blade = c.slot({ color: 'black', material: 'plain' });
      c.builder.add(cuboid(0.06, 0.55, 0.02), blade, { at: [0, 0.4, L / 2 + 0.06], rotate: [0, 0, c.r(0, 90)] });
      c.feature('with a propeller', '带螺旋桨的');
      c.param('engine', 'propeller');
    } else {
      const eng = c.slot({ color: 'gray', material: 'metal' });
      c.builder.addMirrored(cylinder(0.07, 0.35, 12), eng, { at: [span * 0.45, 0.4 - R * 0.3 - 0.1, L * 0.02], rotate: [90, 0, 0] });
      c.feature('with jet engines', '带喷气引擎的');
      c.param('engine', 'jet');
    }
    c.param('length', L);
  },
};

export const cake: Category = {
  name: 'cake', en: 'cake', zh: '蛋糕', measure: '个',
  colors: ['white', 'pink', 'brown', 'yellow', 'beige', 'blue', 'purple', 'green', 'orange', 'red'], materials: ['plain', 'dots', 'stripes'],
  build(c) {
    const tiers = c.pick([1, 1, 2, 3]);
    const plate = c.slot({ color: c.pick(['white', 'gold', 'gray']), material: 'plain' });
    let R = c.r(0.5, 0.7);
    c.builder.add(cylinder(R * 1.25, 0.04, 32), plate);
    let y = 0.04;
    for (let i = 0; i < tiers; i++) {
      const h = c.r(0.25, 0.4);
      c.builder.add(cylinder(R, h, 32), 0, { at: [0, y, 0] });
      y += h;
      if (i < tiers - 1) R *= c.r(0.65, 0.8);
    }
    const decoration = c.int(0, 2);
    if (decoration === 1) {
      const wax = c.accent(['white', 'pink', 'blue', 'yellow']);
      const flame = c.slot({ color: 'orange', material: 'plain' });
      const n = c.int(3, 7);
      for (let i = 0; i < n; i++) {
        const a = (i / n) * Math.PI * 2, rr = n > 3 ? R * 0.65 : R * 0.3;
        c.builder.add(cylinder(0.02, 0.18, 8), wax, { at: [Math.sin(a) * rr, y, Math.cos(a) * rr] });
        c.builder.add(ellipsoid(0.025, 0.045, 0.025, 8, 6), flame, { at: [Math.sin(a) * rr, y + 0.23, Math.cos(a) * rr] });
      }
      c.feature('with candles', '插着蜡烛的');
    } else if (decoration === 2) {
      const cherry = c.slot({ color: 'red', material: 'plain' });
      const n = c.int(4, 8);
      for (let i = 0; i < n; i++) {
        const a = (i / n) * Math.PI * 2;
        c.builder.add(ellipsoid(0.06, 0.06, 0.06, 10, 6), cherry, { at: [Math.sin(a) * R * 0.75, y + 0.05, Math.cos(a) * R * 0.75] });
      }
      c.feature('with cherries', '放着樱桃的');
    }
    if (tiers > 1) c.adjective(tiers === 2 ? 'two-tier' : 'three-tier', tiers === 2 ? '两层的' : '三层的');
    c.param('tiers', tiers);
  },
};

export const hamburger: Category = {
  name: 'hamburger', en: 'hamburger', zh: '汉堡', measure: '个',
  colors: ['beige', 'brown', 'orange', 'gold', 'black', 'yellow', 'pink', 'red'], materials: ['plain', 'dots'],
  colorPart: { en: 'bun', zh: '面包' },
  build(c) {
    const R = c.r(0.45, 0.55);
    c.builder.add(lathe([[R * 0.85, 0], [R, 0.06], [R, 0.14], [0, 0.15]], 28), 0);
    let y = 0.15;
    const layer = (slot: number, r: number, h: number) => {
      c.builder.add(lathe([[r, 0], [r * 1.02, h * 0.5], [r, h], [0, h]], 28), slot, { at: [0, y, 0] });
      y += h;
    };
    const lettuce = c.slot({ color: 'green', material: 'plain' });
    const patty = c.slot({ color: 'brown', material: 'stone' });
    if (c.chance(0.6)) layer(lettuce, R * 1.08, 0.04);
    const double = c.chance(0.35);
    for (let i = 0; i < (double ? 2 : 1); i++) {
      layer(patty, R * 0.98, 0.12);
      if (i === 0 && c.chance(0.6)) {
        const cheese = c.slot({ color: 'yellow', material: 'plain' });
        c.builder.add(cuboid(R * 1.6, 0.025, R * 1.6), cheese, { at: [0, y + 0.012, 0], rotate: [0, 45, 0] });
        y += 0.025;
        if (!double) c.feature('with cheese', '加芝士的');
      }
    }
    if (c.chance(0.5)) layer(c.slot({ color: 'red', material: 'plain' }), R * 0.9, 0.04);
    const dome: Array<[number, number]> = [[R, 0]];
    const domeH = R * c.r(0.55, 0.8);
    for (let i = 1; i <= 6; i++) dome.push([R * Math.cos((i / 6) * (Math.PI / 2)), domeH * Math.sin((i / 6) * (Math.PI / 2))]);
    c.builder.add(lathe(dome, 28), 0, { at: [0, y, 0] });
    if (double) c.adjective('double', '双层的');
    c.param('double', double);
  },
};

export const BUILT: Category[] = [house, tower, car, truck, boat, rocket, airplane, cake, hamburger];
