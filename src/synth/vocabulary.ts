import { Tokenizer } from '../text/tokenizer.js';
import { CATEGORIES } from './categories.js';
import { generateObject } from './generate-object.js';
import { PALETTE, MATERIAL_NAMES } from './palette.js';

/** Objects per category whose captions build the vocabulary (enough to meet every trait). */
const VOCAB_SWEEP = 60;

let cached: Tokenizer | undefined;

/**
 * The corpus vocabulary: every token of every caption the generator can write, found by sweeping
 * each category × colour × material with several parameter draws (captions are built from a closed
 * set of words, so the sweep sees them all; a test checks no caption meets [UNK]). Deterministic.
 */
export function corpusTokenizer(): Tokenizer {
  if (cached) return cached;
  const texts: string[] = [];
  for (const c of CATEGORIES) {
    for (let i = 0; i < VOCAB_SWEEP; i++) {
      const main = { color: PALETTE[i % PALETTE.length].name, material: MATERIAL_NAMES[i % MATERIAL_NAMES.length] };
      const o = generateObject(0x5eed0000 + i, { category: c.name, main, tile: 4 });
      texts.push(...o.captions.en, ...o.captions.zh);
    }
  }
  cached = Tokenizer.fromTexts(texts);
  return cached;
}
