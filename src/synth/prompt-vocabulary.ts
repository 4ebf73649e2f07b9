import type { KnownObject, PromptVocabulary } from '../text/understand-prompt.js';
import { UNK_ID, type Tokenizer } from '../text/tokenizer.js';
import { BUILT } from './categories-built.js';
import { FURNITURE } from './categories-furniture.js';
import { NATURE } from './categories-nature.js';
import { VESSELS } from './categories-vessels.js';
import type { Category } from './category.js';
import { MATERIALS, PALETTE } from './palette.js';

/** The corpus's categories by family, in the order of `CATEGORIES`. */
const GROUPS: readonly [string, readonly Category[]][] = [
  ['furniture', FURNITURE],
  ['vessels', VESSELS],
  ['nature', NATURE],
  ['built', BUILT],
];

/**
 * The Chinese words captions put around the nouns (captions.ts, sh3d-captions.ts): 一 with a
 * measure word, 的, 带 ("with"), 三维模型 ("3d model"). Grammar, not objects: the objects and
 * colours come from the corpus's own tables.
 */
const ZH_GRAMMAR = ['一', '的', '带', '个', '三维模型', '三维', '模型'];

/** A corpus colour the model can read (it has every token of both names). */
export interface KnownColor {
  en: string;
  zh: string;
}

/** A model's prompt vocabulary with the colours it knows (for listing them beside the objects). */
export interface ModelPromptVocabulary extends PromptVocabulary {
  colors: readonly KnownColor[];
}

const cache = new WeakMap<Tokenizer, ModelPromptVocabulary>();

/**
 * What a model can read in a prompt, from the corpus it was trained on and its own vocabulary:
 * the corpus categories whose English and Chinese names the tokenizer knows token by token are its
 * objects; the Chinese words for segmentation are those names, the palette's colours (红色 and 红),
 * the materials, the measure words and the captions' grammar, each kept only when the model has all
 * its characters. Also returns the colours it knows, for listing. Cached per tokenizer.
 */
export function promptVocabulary(tokenizer: Tokenizer): ModelPromptVocabulary {
  const hit = cache.get(tokenizer);
  if (hit) return hit;
  const knows = (text: string) => text.length > 0 && !tokenizer.tokenIds(text).includes(UNK_ID);
  const objects: KnownObject[] = GROUPS.flatMap(([group, cats]) =>
    cats.filter((c) => knows(c.en) && knows(c.zh)).map((c) => ({ name: c.name, en: c.en, zh: c.zh, group })),
  );
  const colors = PALETTE.filter((c) => knows(c.en) && knows(c.zh)).map((c) => ({ en: c.en, zh: c.zh }));
  const zh = [
    ...objects.map((o) => o.zh),
    ...GROUPS.flatMap(([, cats]) => cats.flatMap((c) => [c.measure, `一${c.measure}`, ...(c.colorPart ? [c.colorPart.zh] : [])])),
    ...PALETTE.flatMap((c) => [c.zh, c.zh.replace(/色$/, '')]),
    ...Object.values(MATERIALS).map((m) => m.zh),
    ...ZH_GRAMMAR,
  ];
  const vocabulary = { tokenizer, objects, zhWords: new Set(zh.filter(knows)), colors };
  cache.set(tokenizer, vocabulary);
  return vocabulary;
}
