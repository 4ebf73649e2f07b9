import { createRng, type Rng } from '../core/rng.js';
import { computeBounds, type Mesh } from '../geometry/mesh.js';
import { normalizeMesh } from '../geometry/normalize.js';
import { makeCaptions, type Captions } from './captions.js';
import { CATEGORIES, categoryByName } from './categories.js';
import type { BuildContext, Category, Trait } from './category.js';
import { ObjectBuilder } from './object-builder.js';
import type { Appearance } from './palette.js';
import { isHeldOut } from './splits.js';

/** One procedural object: its mesh (centred, longest side 1, upright, front +Z) and what describes it. */
export interface SynthObject {
  seed: number;
  category: string;
  /** The appearance the captions name (slot 0). */
  main: Appearance;
  appearances: Appearance[];
  traits: Trait[];
  params: Record<string, number | string | boolean>;
  captions: Captions;
  mesh: Mesh;
}

export interface GenerateOptions {
  /** Build this category (default: drawn uniformly from the seed). */
  category?: string;
  /** Force the main appearance (the test split uses this for held-out triples). */
  main?: Appearance;
  /** Redraw the main appearance while it is a held-out triple (train and val). */
  avoidHeldOut?: boolean;
  /** Pixels per material tile in the texture atlas. */
  tile?: number;
}

export const GENERATE_DEFAULTS = { avoidHeldOut: false, tile: 64 } as const;

function drawMain(rng: Rng, category: Category, avoidHeldOut: boolean): Appearance {
  for (;;) {
    const a: Appearance = { color: rng.pick(category.colors), material: rng.pick(category.materials) };
    if (!avoidHeldOut || !isHeldOut(category.name, a)) return a;
  }
}

/**
 * Generates the object for a seed: draws a category (unless given), its main appearance, and the
 * category's parameters, then assembles one textured mesh. Deterministic: the same seed and
 * options give the same mesh, texture and captions, bit for bit.
 */
export function generateObject(seed: number, options: GenerateOptions = {}): SynthObject {
  const o = { ...GENERATE_DEFAULTS, ...options };
  const rng = createRng(seed);
  const category = o.category ? categoryByName(o.category) : rng.pick(CATEGORIES);
  const main = o.main ?? drawMain(rng, category, o.avoidHeldOut);
  const shapeRng = rng.split();
  const builder = new ObjectBuilder();
  const appearances: Appearance[] = [main];
  const traits: Trait[] = [];
  const params: Record<string, number | string | boolean> = {};
  const ctx: BuildContext = {
    rng: shapeRng,
    builder,
    main,
    slot(a) {
      appearances.push(a);
      return appearances.length - 1;
    },
    accent(colors, material = 'plain') {
      return ctx.slot({ color: shapeRng.pick(colors), material });
    },
    r: (lo, hi) => shapeRng.range(lo, hi),
    int: (lo, hi) => lo + shapeRng.int(hi - lo + 1),
    chance: (p) => shapeRng.uniform() < p,
    pick: (items) => shapeRng.pick(items),
    adjective: (en, zh) => traits.push({ kind: 'adjective', en, zh }),
    feature: (en, zh) => traits.push({ kind: 'feature', en, zh }),
    param: (name, value) => {
      params[name] = typeof value === 'number' ? Math.round(value * 1000) / 1000 : value;
    },
  };
  category.build(ctx);
  const raw = builder.build(appearances, { tile: o.tile, variant: shapeRng.nextUint32() & 0xffff });
  const b = computeBounds(raw);
  params.aspect = Math.round(((b.max[1] - b.min[1]) / Math.max(b.max[0] - b.min[0], b.max[2] - b.min[2])) * 1000) / 1000;
  return { seed, category: category.name, main, appearances, traits, params, captions: makeCaptions(category, main, traits), mesh: normalizeMesh(raw) };
}
