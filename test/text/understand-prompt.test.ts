import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '../../src/core/errors.js';
import { CATEGORIES } from '../../src/synth/categories.js';
import { generateObject } from '../../src/synth/generate-object.js';
import { promptVocabulary } from '../../src/synth/prompt-vocabulary.js';
import { Tokenizer } from '../../src/text/tokenizer.js';
import { describeNotUnderstood, requireKnownObject, understandPrompt } from '../../src/text/understand-prompt.js';
import { defaultModelDir } from '../../src/diffusion/model-manifest.js';
import { REPO_ROOT } from '../helpers/paths.js';

// The shipped model's own vocabulary: what a prompt is checked against at run time.
const MODEL_DIR = defaultModelDir();
const shipped = promptVocabulary(Tokenizer.fromJSON(JSON.parse(readFileSync(join(MODEL_DIR, 'vocab.json'), 'utf8'))));
const read = (prompt: string) => {
  const u = understandPrompt(prompt, shipped);
  return { objects: u.objects.map((o) => o.name), unknown: u.unknown };
};

describe('understandPrompt with the shipped model', () => {
  it('refuses prompts that pass on one stray token, naming the words not understood', () => {
    // 子 is a token of the model (椅子, 凳子…) but means nothing alone inside 量子.
    expect(read('量子纠缠的薛定谔')).toEqual({ objects: [], unknown: ['量子纠缠', '薛定谔'] });
    expect(read('xyzzy a')).toEqual({ objects: [], unknown: ['xyzzy'] });
    expect(() => requireKnownObject('量子纠缠的薛定谔', shipped, 'kiln objects', 'text')).toThrow(/^text: the model does not understand "量子纠缠" and "薛定谔", and the prompt names no object it knows; it knows \d+ kinds of object, such as 椅子/);
    try {
      requireKnownObject('xyzzy a', shipped, 'GET /api/v1/vocabulary');
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(KilnError);
      expect((err as KilnError).code).toBe('UNKNOWN_WORDS');
      expect((err as KilnError).message).toMatch(/^the model does not understand "xyzzy", .*such as chair, .*\(the full list: GET \/api\/v1\/vocabulary\)$/);
    }
  });

  it('takes prompts that name a known object, in English and Chinese; other unknown words are reported, not fatal', () => {
    expect(read('a red wooden chair')).toEqual({ objects: ['chair'], unknown: [] });
    expect(read('一把红色的椅子')).toEqual({ objects: ['chair'], unknown: [] });
    // The model has never seen "ceramic"; the vase is what matters.
    expect(read('a tall blue ceramic vase')).toEqual({ objects: ['vase'], unknown: ['ceramic'] });
    expect(read('一个红色的杯子')).toEqual({ objects: ['cup'], unknown: [] });
    expect(read('A red 椅子, 3D!')).toEqual({ objects: ['chair'], unknown: [] });
    expect(read('a green plant')).toEqual({ objects: ['plant'], unknown: [] });
    expect(read('a mug next to a teapot').objects).toEqual(['mug', 'teapot']);
    // Letters of a script the tokenizer drops are words the model never sees.
    expect(read('стул chair')).toEqual({ objects: ['chair'], unknown: ['стул'] });
  });

  it('refuses colour-only and grammar-only prompts as naming no object', () => {
    for (const p of ['red', '红色', 'a red one', '一个红色的', '3d model of a red']) {
      expect([p, read(p).objects]).toEqual([p, []]);
      expect(() => requireKnownObject(p, shipped, 'x')).toThrow(/names no object (the model|it) knows/);
    }
    const noise = Array.from({ length: 20 }, (_, i) => `zq${i}x`).join(' ');
    expect(describeNotUnderstood(understandPrompt(noise, shipped), shipped, 'x')).toMatch(/^the model does not understand "zq0x", .*"zq7x" and 12 more words, and/);
    expect(describeNotUnderstood(understandPrompt('red', shipped), shipped, 'x')).toMatch(/^the prompt names no object the model knows; it knows \d+ kinds of object, such as chair/);
  });

  it('knows every corpus category by both names, and every caption the corpus writes names its own object', () => {
    expect(shipped.objects.map((o) => o.name).sort()).toEqual(CATEGORIES.map((c) => c.name).sort());
    for (const o of shipped.objects) {
      expect([o.en, read(o.en).objects]).toEqual([o.en, [o.name]]);
      expect([o.zh, read(o.zh).objects]).toEqual([o.zh, [o.name]]);
    }
    for (const c of CATEGORIES) {
      for (let seed = 0; seed < 3; seed++) {
        // A small texture tile: only the captions are read.
        const { captions } = generateObject(seed, { category: c.name, tile: 4 });
        for (const caption of [...captions.en, ...captions.zh]) expect({ caption, names: read(caption).objects.includes(c.name) }).toEqual({ caption, names: true });
        // English captions are all in the vocabulary; the plain Chinese phrasing segments without leftovers.
        for (const caption of captions.en) expect([caption, read(caption).unknown]).toEqual([caption, []]);
        expect([captions.zh[1], read(captions.zh[1]).unknown]).toEqual([captions.zh[1], []]);
      }
    }
  });
});

describe('promptVocabulary', () => {
  it("lists only the objects a model's vocabulary has every token of, and says what it knows when refusing", () => {
    const small = promptVocabulary(Tokenizer.fromTexts(['a red chair', '一把红色的椅子', 'a blue potted plant', '盆栽']));
    expect(small.objects.map((o) => o.name)).toEqual(['chair', 'plant']);
    expect(small.colors).toEqual([{ en: 'red', zh: '红色' }]);
    expect(understandPrompt('a red sofa', small)).toMatchObject({ objects: [], unknown: ['sofa'] });
    // 椅 alone is a token of this model, but no word.
    expect(understandPrompt('红色的椅', small)).toMatchObject({ objects: [], unknown: ['椅'] });
    expect(() => requireKnownObject('a red sofa', small, 'the list')).toThrow('the model does not understand "sofa", and the prompt names no object it knows; it knows 2 kinds of object, such as chair, potted plant (the full list: the list)');
    const none = promptVocabulary(Tokenizer.fromTexts(['red']));
    expect(() => requireKnownObject('red', none, 'the list')).toThrow(/knows no objects by name/);
  });

  it('adds the catalogue objects a model was trained on, named by their whole name only, in Chinese when the name is all Han', () => {
    const tokenizer = Tokenizer.fromTexts(['a red chair', '一把红色的椅子', 'air conditioning external unit', '空调冷气机', 'apple imac 1998', 'chaise longue', '躺椅', 'unit']);
    const catalogue = [
      { en: 'Air conditioning - external unit', zh: '空调冷气机', category: 'exterior' },
      { en: 'Apple iMac 1998', zh: 'Apple iMac 1998', category: 'office' },
      { en: 'Chaise longue', zh: '躺椅', category: 'living room' },
      // A word the model has no token for: not an object it can read.
      { en: 'Zebra rug', zh: '斑马地毯', category: 'living room' },
      // Already a procedural category: listed once.
      { en: 'Chair', zh: '椅子', category: 'kitchen' },
      // Its Chinese name is the chair's: named in English only.
      { en: 'Red chair', zh: '椅子', category: 'kitchen' },
    ];
    const v = promptVocabulary(tokenizer, catalogue);
    expect(v.objects.map((o) => [o.en, o.zh, o.group])).toEqual([
      ['chair', '椅子', 'furniture'],
      ['air conditioning external unit', '空调冷气机', 'catalogue'],
      ['apple imac 1998', '', 'catalogue'],
      ['chaise longue', '躺椅', 'catalogue'],
      ['red chair', '', 'catalogue'],
    ]);
    const names = (prompt: string) => understandPrompt(prompt, v).objects.map((o) => o.en);
    expect(names('an air conditioning - external unit')).toEqual(['air conditioning external unit']);
    expect(names('一个红色的躺椅')).toEqual(['chaise longue']);
    expect(names('apple imac 1998')).toEqual(['apple imac 1998']);
    expect(names('一把椅子')).toEqual(['chair']);
    // The last word of a catalogue name is not the object ("unit", "1998").
    expect(names('a red unit')).toEqual([]);
    expect(names('1998')).toEqual([]);
    // Cached per tokenizer and catalogue; without the catalogue, the procedural objects alone.
    expect(promptVocabulary(tokenizer, catalogue)).toBe(v);
    expect(promptVocabulary(tokenizer).objects.map((o) => o.en)).toEqual(['chair']);
  });

  it('the README lists every object the shipped model knows, in English and Chinese', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const o of shipped.objects) expect([o.name, readme.includes(`| ${o.en} | ${o.zh} |`)]).toEqual([o.name, true]);
  });
});
