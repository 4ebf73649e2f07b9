import { KilnError } from '../core/errors.js';
import { HAN_RANGES, UNK_ID, type Tokenizer } from './tokenizer.js';

/** One kind of object a model knows, with the names a prompt may use for it. */
export interface KnownObject {
  /** Stable id (the corpus category's name). */
  name: string;
  en: string;
  /** Chinese name; empty when a prompt cannot name it in Chinese. */
  zh: string;
  /** The family it belongs to (furniture, vessels…), for short lists. */
  group: string;
  /** Named only by its whole English name, not its last word alone (catalogue names: "apple imac 1998"). */
  wholeNameOnly?: boolean;
}

/**
 * What a model can read in a prompt: its tokenizer, the objects it knows (names whose every token
 * is in the model's vocabulary), and the Chinese words a prompt is segmented into (objects,
 * colours, materials, measure words, grammar), each of them made only of characters the model knows.
 */
export interface PromptVocabulary {
  tokenizer: Tokenizer;
  objects: readonly KnownObject[];
  /** Chinese words for longest-match segmentation (object names included). */
  zhWords: ReadonlySet<string>;
}

/** What a prompt says in a model's words: the objects it names and the words the model does not know. */
export interface PromptUnderstanding {
  /** Known objects the prompt names, in the order they first appear, without repeats. */
  objects: KnownObject[];
  /** Words not understood, as written (lower-cased), in order, without repeats. */
  unknown: string[];
  /** The prompt's main script, for answering in the same language. */
  language: 'en' | 'zh';
}

const STARTS_HAN = new RegExp(`^[${HAN_RANGES}]`, 'u');
const ONLY_HAN_OR_ASCII = new RegExp(`^[a-z0-9${HAN_RANGES}]+$`, 'u');
const ASCII_OR_HAN_RUN = new RegExp(`[a-z0-9]+|[${HAN_RANGES}]+`, 'gu');

/**
 * Longest-match segmentation of a run of Han characters against `words`. A character that starts
 * no word is part of an unknown word, even when the model has it as a token: 子 alone means nothing
 * in "量子", though 椅子 holds it. Consecutive such characters make one unknown word.
 */
function segmentChinese(run: string, words: ReadonlySet<string>, longest: number): { word: string; known: boolean }[] {
  const out: { word: string; known: boolean }[] = [];
  const chars = [...run];
  let unknown = '';
  for (let i = 0; i < chars.length; ) {
    let match = '';
    for (let n = Math.min(longest, chars.length - i); n >= 1; n--) {
      const w = chars.slice(i, i + n).join('');
      if (words.has(w)) {
        match = w;
        break;
      }
    }
    if (!match) {
      unknown += chars[i++];
      continue;
    }
    if (unknown) out.push({ word: unknown, known: false });
    unknown = '';
    out.push({ word: match, known: true });
    i += [...match].length;
  }
  if (unknown) out.push({ word: unknown, known: false });
  return out;
}

const longestWordCache = new WeakMap<ReadonlySet<string>, number>();
function longestWord(words: ReadonlySet<string>): number {
  let n = longestWordCache.get(words);
  if (n === undefined) {
    n = Math.max(1, ...[...words].map((w) => [...w].length));
    longestWordCache.set(words, n);
  }
  return n;
}

/**
 * Reads a prompt the way the model would and says which known objects it names and which words the
 * model does not understand. English words are known when the model's vocabulary has them; an
 * object is named by its full English name ("potted plant") or its last word ("plant"). Chinese is
 * segmented by longest match against the vocabulary's words, and a character that only occurs
 * inside words the prompt does not use counts as unknown. Letters of other scripts are unknown words.
 *
 * @example understandPrompt('一把红色的椅子', vocab) // → { objects: [chair], unknown: [], language: 'zh' }
 */
export function understandPrompt(prompt: string, vocabulary: PromptVocabulary): PromptUnderstanding {
  const text = prompt.normalize('NFKC').toLowerCase();
  const enWords: string[] = [];
  const zhSegments: string[] = [];
  const unknown: string[] = [];
  let hanChars = 0;
  let latinChars = 0;
  const longest = longestWord(vocabulary.zhWords);
  for (const [word] of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (!ONLY_HAN_OR_ASCII.test(word)) {
      // Another script (Cyrillic, kana…): the tokenizer drops it, so the model never sees it.
      unknown.push(word);
      latinChars += word.length;
      continue;
    }
    for (const [part] of word.matchAll(ASCII_OR_HAN_RUN)) {
      if (STARTS_HAN.test(part)) {
        hanChars += [...part].length;
        for (const s of segmentChinese(part, vocabulary.zhWords, longest)) (s.known ? zhSegments : unknown).push(s.word);
      } else {
        latinChars += part.length;
        enWords.push(part);
        if (vocabulary.tokenizer.tokenIds(part)[0] === UNK_ID) unknown.push(part);
      }
    }
  }
  const found: { object: KnownObject; at: number }[] = [];
  const joinedEn = ` ${enWords.join(' ')} `;
  for (const object of vocabulary.objects) {
    const names = object.wholeNameOnly ? [object.en] : [object.en, object.en.split(' ').at(-1)!];
    const at = Math.min(
      ...names.map((n) => joinedEn.indexOf(` ${n} `)).filter((i) => i >= 0),
      ...zhSegments.map((s, i) => (object.zh && s === object.zh ? joinedEn.length + i : Infinity)),
    );
    if (Number.isFinite(at)) found.push({ object, at });
  }
  found.sort((a, b) => a.at - b.at);
  return { objects: found.map((f) => f.object), unknown: [...new Set(unknown)], language: hanChars > latinChars ? 'zh' : 'en' };
}

/** Unknown words a refusal quotes; more are counted. */
const MAX_QUOTED = 8;

/** Examples for a message: the first two objects of each group, in the prompt's language. */
function exampleObjects(objects: readonly KnownObject[], language: 'en' | 'zh'): string[] {
  const perGroup = new Map<string, KnownObject[]>();
  for (const o of objects) perGroup.set(o.group, [...(perGroup.get(o.group) ?? []), o]);
  return [...perGroup.values()].flatMap((g) => g.filter((o) => language === 'en' || o.zh).slice(0, 2)).map((o) => (language === 'zh' ? o.zh : o.en));
}

/**
 * The sentence that refuses a prompt naming no known object: which words were not understood, and
 * what the model does know (a few examples, then where the full list is: `fullList`, e.g.
 * "GET /api/v1/vocabulary" or "kiln objects").
 */
export function describeNotUnderstood(understanding: PromptUnderstanding, vocabulary: PromptVocabulary, fullList: string): string {
  // A long prompt of noise would make a paragraph: name the first few words and count the rest.
  const quoted = understanding.unknown.slice(0, MAX_QUOTED).map((w) => `"${w}"`);
  const more = understanding.unknown.length - quoted.length;
  if (more > 0) quoted.push(`${more} more word${more === 1 ? '' : 's'}`);
  const what = quoted.length
    ? `the model does not understand ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`}, and the prompt names no object it knows`
    : 'the prompt names no object the model knows';
  const n = vocabulary.objects.length;
  if (n === 0) return `${what}; this model knows no objects by name (its vocabulary has none of the corpus's object names)`;
  return `${what}; it knows ${n} kind${n === 1 ? '' : 's'} of object, such as ${exampleObjects(vocabulary.objects, understanding.language).join(', ')} (the full list: ${fullList})`;
}

/**
 * Refuses a prompt that names no object the model knows, with a `KilnError` (`UNKNOWN_WORDS`) whose
 * one-line message says which words were not understood and what the model knows. `name` prefixes
 * the message (the CLI names its argument). Returns what was understood.
 */
export function requireKnownObject(prompt: string, vocabulary: PromptVocabulary, fullList: string, name?: string): PromptUnderstanding {
  const u = understandPrompt(prompt, vocabulary);
  if (u.objects.length === 0) throw new KilnError('UNKNOWN_WORDS', `${name ? `${name}: ` : ''}${describeNotUnderstood(u, vocabulary, fullList)}`);
  return u;
}
