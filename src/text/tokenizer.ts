import { KilnError } from '../core/errors.js';

/**
 * A tokenizer for English and Chinese prompts: English is split into lower-case words (letters and
 * digits; hyphens and punctuation separate words), Chinese into single characters (Han characters
 * carry meaning one by one, and a character vocabulary stays small). Mixed text works: "a 红色 chair"
 * gives ["a", "红", "色", "chair"]. The vocabulary ships with each model as `vocab.json`.
 */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[BOS]', '[EOS]'] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const BOS_ID = 2;
export const EOS_ID = 3;

/** The Han characters the tokenizer reads one by one (CJK unified ideographs, extension A, compatibility). */
export const HAN_RANGES = '\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff';
const HAN = new RegExp(`[${HAN_RANGES}]`);
const WORD = /[a-z0-9]/;

/** Splits text into tokens (strings) without looking anything up. */
export function splitTokens(text: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const ch of text.normalize('NFKC').toLowerCase()) {
    if (WORD.test(ch)) {
      word += ch;
      continue;
    }
    if (word) {
      out.push(word);
      word = '';
    }
    if (HAN.test(ch)) out.push(ch);
  }
  if (word) out.push(word);
  return out;
}

/** The on-disk vocabulary: token strings, their index is their id; the first four are special. */
export interface VocabularyFile {
  format: 'kiln-vocab/1';
  tokens: string[];
}

export class Tokenizer {
  private readonly ids: Map<string, number>;

  constructor(readonly tokens: readonly string[]) {
    SPECIAL_TOKENS.forEach((t, i) => {
      if (tokens[i] !== t) throw new KilnError('INVALID_INPUT', `Tokenizer: token ${i} must be ${t}, got ${tokens[i]}`);
    });
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Builds a vocabulary from texts: the special tokens, then every token seen, sorted. */
  static fromTexts(texts: Iterable<string>): Tokenizer {
    const seen = new Set<string>();
    for (const t of texts) for (const tok of splitTokens(t)) seen.add(tok);
    return new Tokenizer([...SPECIAL_TOKENS, ...[...seen].sort()]);
  }

  /**
   * This vocabulary followed by the new tokens of `texts` (sorted): every existing token keeps its
   * id, so a model trained with this vocabulary reads the extended one's ids unchanged, and a
   * model trained with the extended one ships it in its manifest.
   */
  extendedWith(texts: Iterable<string>): Tokenizer {
    const seen = new Set<string>();
    for (const t of texts) for (const tok of splitTokens(t)) if (!this.ids.has(tok)) seen.add(tok);
    return new Tokenizer([...this.tokens, ...[...seen].sort()]);
  }

  static fromJSON(value: unknown): Tokenizer {
    const v = value as Partial<VocabularyFile> | null;
    if (!v || v.format !== 'kiln-vocab/1' || !Array.isArray(v.tokens) || v.tokens.some((t) => typeof t !== 'string')) {
      throw new KilnError('INVALID_INPUT', 'Tokenizer.fromJSON: not a kiln-vocab/1 file');
    }
    return new Tokenizer(v.tokens);
  }

  toJSON(): VocabularyFile {
    return { format: 'kiln-vocab/1', tokens: [...this.tokens] };
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Token ids of a text, unknown tokens as [UNK], without special tokens. */
  tokenIds(text: string): number[] {
    return splitTokens(text).map((t) => this.ids.get(t) ?? UNK_ID);
  }

  /**
   * Encodes a text as [BOS] tokens… [EOS] padded with [PAD] to `length` (truncated to fit, keeping
   * [EOS]), the fixed-size input a text encoder takes.
   */
  encode(text: string, length: number): Int32Array {
    if (!(Number.isInteger(length) && length >= 2)) throw new KilnError('INVALID_INPUT', `Tokenizer.encode: length must be an integer ≥ 2, got ${length}`);
    const ids = this.tokenIds(text).slice(0, length - 2);
    const out = new Int32Array(length);
    out[0] = BOS_ID;
    out.set(ids, 1);
    out[ids.length + 1] = EOS_ID;
    return out;
  }

  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === PAD_ID || ids[i] === BOS_ID) continue;
      if (ids[i] === EOS_ID) break;
      out.push(this.tokens[ids[i]] ?? '[UNK]');
    }
    return out;
  }
}
