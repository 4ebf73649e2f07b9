import type { CatalogEntry } from '../io/sh3f/read-catalog.js';
import type { PaletteColor } from './palette.js';
import type { Captions } from './captions.js';

function article(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? 'an' : 'a';
}

/**
 * Captions of a catalogue object in English and Chinese, from its names: a sentence, the bare
 * name, a tag list with the category, and a "3d model of" phrasing. A colour word is added only
 * when `color` is given (the caller decides it is reliable, or painted it). Entries without a
 * Chinese name use the English one in the Chinese captions (six in the package).
 */
export function sh3dCaptions(entry: CatalogEntry, color?: PaletteColor): Captions {
  const name = entry.name.toLowerCase();
  const zhName = entry.nameZh ?? entry.name;
  const described = color ? `${color.en} ${name}` : name;
  const en = [
    `${article(described)} ${described}`,
    name,
    [name, ...(color ? [color.en] : []), entry.category.toLowerCase()].filter(Boolean).join(', '),
    `3d model of ${article(described)} ${described}`,
  ];
  const zh = [
    color ? `一个${color.zh}的${zhName}` : `一个${zhName}`,
    zhName,
    [zhName, ...(color ? [color.zh] : [])].join('，'),
    `${color ? `${color.zh}的` : ''}${zhName}的三维模型`,
  ];
  return { en, zh };
}
