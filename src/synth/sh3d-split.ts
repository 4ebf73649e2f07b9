import { createHash } from 'node:crypto';

/** Sweet Home 3D test split: a key is in it when the first byte of sha256(key) is below this (about 10 %). */
export const SH3D_TEST_THRESHOLD = 26;

export const SH3D_SPLITS = ['train', 'test'] as const;
export type Sh3dSplit = (typeof SH3D_SPLITS)[number];

/**
 * The fixed split of the real-object catalogues: `key` is `collection:modelPath` (the `.sh3f` base
 * name and the catalogue's `model#N` value as written). The rule depends on the key alone, so a
 * model never changes sides when catalogues are added, and `../shared/benchmarks/sh3d-test.txt`
 * is this rule applied to the installed catalogues. Nothing in the test split is ever trained on.
 */
export function sh3dSplitOf(key: string): Sh3dSplit {
  return createHash('sha256').update(key, 'utf8').digest()[0] < SH3D_TEST_THRESHOLD ? 'test' : 'train';
}
