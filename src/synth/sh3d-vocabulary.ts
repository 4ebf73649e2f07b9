import type { Tokenizer } from '../text/tokenizer.js';
import type { Sh3fCatalog } from '../io/sh3f/read-catalog.js';
import { PALETTE } from './palette.js';
import { sh3dCaptions } from './sh3d-captions.js';
import { corpusTokenizer } from './vocabulary.js';

/**
 * The vocabulary of a corpus with catalogue objects: the procedural corpus's vocabulary with the
 * catalogues' new words appended (every caption each entry can get, with and without each colour,
 * train and test alike so both splits share ids). Procedural ids do not move, so the shipped
 * model's vocabulary stays valid for procedural captions; catalogue words it has never seen
 * tokenize to [UNK] for it until a model trained on this vocabulary replaces it.
 */
export function sh3dTokenizer(catalogs: readonly Sh3fCatalog[]): Tokenizer {
  const texts: string[] = [];
  for (const c of catalogs) {
    for (const e of c.entries) {
      for (const color of [undefined, ...PALETTE]) {
        const caps = sh3dCaptions(e, color);
        texts.push(...caps.en, ...caps.zh);
      }
    }
  }
  return corpusTokenizer().extendedWith(texts);
}
