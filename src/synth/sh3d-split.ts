import { createHash } from 'node:crypto';

/** Sweet Home 3D test split: a key is in it when the first byte of sha256(key) is below this (about 10 %). */
export const SH3D_TEST_THRESHOLD = 26;

/**
 * Sweet Home 3D validation split: a key outside the test split is in it when that byte is a multiple
 * of this (about 4 %). It is for choosing between models while training (`eval:mv --split val`,
 * training's validation); the training loader leaves these keys out by the same rule
 * (`is_holdout` in training/kiln_mv/data.py), also from a corpus written before this split existed.
 */
export const SH3D_VAL_EVERY = 24;

export const SH3D_SPLITS = ['train', 'val', 'test'] as const;
export type Sh3dSplit = (typeof SH3D_SPLITS)[number];

/**
 * The fixed split of the real-object catalogues: `key` is `collection:modelPath` (the `.sh3f` base
 * name and the catalogue's `model#N` value as written). The rule depends on the key alone, so a
 * model never changes sides when catalogues are added, and `../shared/benchmarks/sh3d-test.txt`
 * is this rule applied to the installed catalogues. Nothing in the test split is ever trained on.
 */
export function sh3dSplitOf(key: string): Sh3dSplit {
  const byte = createHash('sha256').update(key, 'utf8').digest()[0];
  if (byte < SH3D_TEST_THRESHOLD) return 'test';
  return byte % SH3D_VAL_EVERY === 0 ? 'val' : 'train';
}
