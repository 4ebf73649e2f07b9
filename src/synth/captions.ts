import type { Category, Trait } from './category.js';
import { colorByName, MATERIALS, type Appearance } from './palette.js';

/**
 * Captions from an object's parameters, in English and Chinese, several phrasings each: a full
 * descriptive sentence, a shorter variant, a comma-separated tag list (how people often write
 * prompts) and a "3d model of" phrasing. Every caption names the category and the main colour;
 * the material when it is not plain; adjectives and features when the object has them.
 */
export interface Captions {
  en: string[];
  zh: string[];
}

const MADE_OF: Record<string, string> = {
  wood: 'made of wood',
  metal: 'made of metal',
  stone: 'made of stone',
  stripes: 'with stripes',
  checks: 'with a checkered pattern',
  dots: 'with polka dots',
};

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function withArticle(phrase: string): string {
  return `${article(phrase)} ${phrase}`;
}

/** "with armrests", "with a chimney" → "with armrests and a chimney". */
function joinFeatures(features: string[]): string {
  if (features.length === 0) return '';
  return ' ' + features.map((f, i) => (i === 0 ? f : f.replace(/^with /, ''))).join(' and ');
}

/** "made of wood with armrests", "with stripes and a chimney". */
function madeOf(phrase: string | undefined, features: string[]): string {
  if (!phrase) return joinFeatures(features);
  if (phrase.startsWith('with ')) return joinFeatures([phrase, ...features]);
  return ` ${phrase}` + joinFeatures(features);
}

function words(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p && p.length > 0).join(' ');
}

export function makeCaptions(category: Category, main: Appearance, traits: Trait[]): Captions {
  const color = colorByName(main.color);
  const material = MATERIALS[main.material];
  const adjectives = traits.filter((t) => t.kind === 'adjective');
  const features = traits.filter((t) => t.kind === 'feature');
  const adjEn = adjectives.map((t) => t.en).join(' ');
  const adjZh = adjectives.map((t) => t.zh).join('');
  const featEn = joinFeatures(features.map((t) => t.en));
  const featZh = features.map((t) => t.zh).join('');
  const one = `一${category.measure}`;

  if (category.colorPart) {
    const part = category.colorPart;
    const partEn = words(color.en, material.en, part.en);
    const en = [
      withArticle(words(adjEn, category.en)) + ` with ${withArticle(partEn)}` + featEn.replace(/^ with /, ' and '),
      `${withArticle(category.en)} with ${withArticle(words(color.en, part.en))}`,
      [category.en, `${color.en} ${part.en}`, material.en, ...adjectives.map((t) => t.en)].filter(Boolean).join(', '),
      `3d model of ${withArticle(category.en)} with ${withArticle(partEn)}`,
    ];
    const zh = [
      `${one}${featZh}${adjZh}带${color.zh}${material.zh}${part.zh}的${category.zh}`,
      `${color.zh}${part.zh}的${category.zh}`,
      [category.zh, `${color.zh}${part.zh}`, material.zh].filter(Boolean).join('，'),
      `${one}带${color.zh}${part.zh}的${category.zh}的三维模型`,
    ];
    return { en, zh };
  }

  const en = [
    withArticle(words(adjEn, color.en, material.en, category.en)) + featEn,
    withArticle(words(color.en, category.en)) + madeOf(MADE_OF[main.material], features.map((t) => t.en)),
    [category.en, color.en, material.en, ...adjectives.map((t) => t.en)].filter(Boolean).join(', '),
    `3d model of ${withArticle(words(adjEn, color.en, material.en, category.en))}`,
  ];
  const zh = [
    `${one}${featZh}${adjZh}${color.zh}${material.zh}${category.zh}`,
    `${color.zh}的${material.zh}${category.zh}`,
    [category.zh, color.zh, material.zh].filter(Boolean).join('，'),
    `${one}${color.zh}${category.zh}的三维模型`,
  ];
  return { en, zh };
}
