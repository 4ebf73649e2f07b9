import type { CatalogueObjectName } from '../diffusion/model-objects.js';
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

/** The group catalogue objects are listed under. */
export const CATALOGUE_GROUP = 'catalogue';

const NO_CATALOGUE: readonly CatalogueObjectName[] = [];
const cache = new WeakMap<Tokenizer, WeakMap<readonly CatalogueObjectName[], ModelPromptVocabulary>>();

/** Only Han characters: a Chinese name the prompt's segmentation can match as one word. */
const HAN_ONLY = /^\p{Script=Han}+$/u;

/**
 * A catalogue name as a prompt's words: lower case, words of letters and digits joined by single
 * spaces ("Air conditioning - external unit" → "air conditioning external unit"), as
 * `understandPrompt` reads a prompt.
 */
function asPromptWords(name: string): string {
  return [...name.normalize('NFKC').toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]).join(' ');
}

/**
 * What a model can read in a prompt, from the corpus it was trained on and its own vocabulary:
 * the corpus categories whose English and Chinese names the tokenizer knows token by token are its
 * objects, and so are the `catalogue` objects it was trained on (`loadModelCatalogue`) whose English
 * name it knows; a catalogue object is named by its whole name only (the last word of "Apple iMac
 * 1998" is no object), in Chinese when that name is all Han characters and no other object's. The Chinese words for
 * segmentation are the objects' names, the palette's colours (红色 and 红), the materials, the
 * measure words and the captions' grammar, each kept only when the model has all its characters.
 * Also returns the colours it knows, for listing. Cached per tokenizer and catalogue.
 */
export function promptVocabulary(tokenizer: Tokenizer, catalogue: readonly CatalogueObjectName[] = NO_CATALOGUE): ModelPromptVocabulary {
  const hit = cache.get(tokenizer)?.get(catalogue);
  if (hit) return hit;
  const knows = (text: string) => text.length > 0 && !tokenizer.tokenIds(text).includes(UNK_ID);
  const procedural: KnownObject[] = GROUPS.flatMap(([group, cats]) =>
    cats.filter((c) => knows(c.en) && knows(c.zh)).map((c) => ({ name: c.name, en: c.en, zh: c.zh, group })),
  );
  const named = new Set(procedural.map((o) => o.en));
  // A Chinese name names one object: the catalogue's "clear sofa" is 沙发 too, which is the sofa's.
  const namedZh = new Set(procedural.map((o) => o.zh));
  const fromCatalogue: KnownObject[] = [];
  for (const c of catalogue) {
    const en = asPromptWords(c.en);
    if (!en || named.has(en) || !knows(en)) continue;
    named.add(en);
    const zh = HAN_ONLY.test(c.zh) && knows(c.zh) && !namedZh.has(c.zh) ? c.zh : '';
    if (zh) namedZh.add(zh);
    fromCatalogue.push({ name: `catalogue:${en}`, en, zh, group: CATALOGUE_GROUP, wholeNameOnly: true });
  }
  const objects = [...procedural, ...fromCatalogue];
  const colors = PALETTE.filter((c) => knows(c.en) && knows(c.zh)).map((c) => ({ en: c.en, zh: c.zh }));
  const zh = [
    ...objects.map((o) => o.zh).filter(Boolean),
    ...GROUPS.flatMap(([, cats]) => cats.flatMap((c) => [c.measure, `一${c.measure}`, ...(c.colorPart ? [c.colorPart.zh] : [])])),
    ...PALETTE.flatMap((c) => [c.zh, c.zh.replace(/色$/, '')]),
    ...Object.values(MATERIALS).map((m) => m.zh),
    ...ZH_GRAMMAR,
  ];
  const vocabulary = { tokenizer, objects, zhWords: new Set(zh.filter(knows)), colors };
  if (!cache.has(tokenizer)) cache.set(tokenizer, new WeakMap());
  cache.get(tokenizer)!.set(catalogue, vocabulary);
  return vocabulary;
}
