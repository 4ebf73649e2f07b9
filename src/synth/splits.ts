import { createRng, hashSeed } from '../core/rng.js';
import { CATEGORIES } from './categories.js';
import type { Appearance } from './palette.js';

/**
 * Train / val / test splits. Objects are addressed by (corpus seed, split, index); each gets its own
 * seed from a hash of the three, so splits never share a stream and any object can be regenerated
 * alone. A fixed set of (category, colour, material) triples never appears in train or val; a third
 * of the test split is drawn from exactly those triples, to measure generalisation, not memory.
 */
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** How many held-out triples each category has. */
export const HELD_OUT_PER_CATEGORY = 2;

export function objectSeed(corpusSeed: number, split: Split, index: number): number {
  return hashSeed(`kiln-corpus/${corpusSeed}/${split}/${index}`);
}

let heldOut: Map<string, Appearance[]> | undefined;

/**
 * The held-out triples, per category: drawn once from a fixed seed among the category's allowed
 * colours × materials, never plain-coloured only (so the unseen part is a real combination).
 */
export function heldOutTriples(): Map<string, Appearance[]> {
  if (heldOut) return heldOut;
  const rng = createRng('kiln-held-out-triples/1');
  heldOut = new Map();
  for (const c of CATEGORIES) {
    const picks: Appearance[] = [];
    const materials = c.materials.length > 1 ? c.materials.filter((m) => m !== 'plain') : c.materials;
    while (picks.length < HELD_OUT_PER_CATEGORY) {
      const a: Appearance = { color: rng.pick(c.colors), material: rng.pick(materials) };
      if (!picks.some((p) => p.color === a.color && p.material === a.material)) picks.push(a);
    }
    heldOut.set(c.name, picks);
  }
  return heldOut;
}

export function isHeldOut(category: string, a: Appearance): boolean {
  return (heldOutTriples().get(category) ?? []).some((p) => p.color === a.color && p.material === a.material);
}

/** Whether test object `index` is drawn from the held-out triples (every third one). */
export function forcesHeldOut(split: Split, index: number): boolean {
  return split === 'test' && index % 3 === 0;
}
