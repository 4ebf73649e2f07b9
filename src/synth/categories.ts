import { BUILT } from './categories-built.js';
import { FURNITURE } from './categories-furniture.js';
import { NATURE } from './categories-nature.js';
import { VESSELS } from './categories-vessels.js';
import type { Category } from './category.js';

/** Every category of the corpus, in a fixed order (ids in shards are indices into this list). */
export const CATEGORIES: readonly Category[] = Object.freeze([...FURNITURE, ...VESSELS, ...NATURE, ...BUILT]);

export function categoryByName(name: string): Category {
  const c = CATEGORIES.find((k) => k.name === name);
  if (!c) throw new Error(`categoryByName: unknown category '${name}' (known: ${CATEGORIES.map((k) => k.name).join(', ')})`);
  return c;
}
