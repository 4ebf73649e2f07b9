import type { Rng } from '../core/rng.js';
import { ObjectBuilder } from './object-builder.js';
import { PALETTE, type Appearance, type MaterialName } from './palette.js';

/**
 * A caption-worthy property of one object: an adjective ("tall" / "高高的") or a feature
 * ("with armrests" / "带扶手的"). Chinese forms carry their own 的, as they are chained before the noun.
 */
export interface Trait {
  kind: 'adjective' | 'feature';
  en: string;
  zh: string;
}

/** What a category's generator builds into: parts, slots and what the captions may say. */
export interface BuildContext {
  rng: Rng;
  builder: ObjectBuilder;
  /** Slot 0: the appearance the captions name and the held-out splits are defined on. */
  main: Appearance;
  /** Adds an appearance slot and returns its index. */
  slot(appearance: Appearance): number;
  /** Adds a slot with a colour drawn from `colors` (plain unless `material` is given). */
  accent(colors: readonly string[], material?: MaterialName): number;
  r(lo: number, hi: number): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  adjective(en: string, zh: string): void;
  feature(en: string, zh: string): void;
  param(name: string, value: number | string | boolean): void;
}

/**
 * One category of the corpus: its nouns (with the Chinese measure word), which colours and
 * materials its main slot may take, optionally the part that carries the named colour (a snowman's
 * hat: "a snowman with a red hat"), and the generator.
 */
export interface Category {
  name: string;
  en: string;
  zh: string;
  /** Chinese measure word: 一把椅子, 一张桌子, 一辆车. */
  measure: string;
  colors: readonly string[];
  materials: readonly MaterialName[];
  colorPart?: { en: string; zh: string };
  build(ctx: BuildContext): void;
}

export const ALL_COLORS: readonly string[] = PALETTE.map((c) => c.name);

/** Every colour but those listed. */
export function colorsExcept(...names: string[]): string[] {
  return ALL_COLORS.filter((c) => !names.includes(c));
}
