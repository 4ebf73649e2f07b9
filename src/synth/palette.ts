/**
 * The corpus's named colours and materials, with the words captions use for them in English and
 * Chinese. Colours are sRGB in [0, 1]; their hues are far enough apart that "the dominant hue of a
 * result matches the caption's colour" is a fair test.
 */
export interface PaletteColor {
  name: string;
  en: string;
  zh: string;
  rgb: [number, number, number];
}

export const PALETTE: readonly PaletteColor[] = Object.freeze([
  { name: 'red', en: 'red', zh: '红色', rgb: [0.82, 0.12, 0.12] },
  { name: 'orange', en: 'orange', zh: '橙色', rgb: [0.95, 0.5, 0.1] },
  { name: 'yellow', en: 'yellow', zh: '黄色', rgb: [0.96, 0.82, 0.15] },
  { name: 'green', en: 'green', zh: '绿色', rgb: [0.2, 0.62, 0.22] },
  { name: 'teal', en: 'teal', zh: '青色', rgb: [0.1, 0.6, 0.6] },
  { name: 'blue', en: 'blue', zh: '蓝色', rgb: [0.15, 0.32, 0.85] },
  { name: 'purple', en: 'purple', zh: '紫色', rgb: [0.5, 0.22, 0.7] },
  { name: 'pink', en: 'pink', zh: '粉色', rgb: [0.96, 0.55, 0.7] },
  { name: 'brown', en: 'brown', zh: '棕色', rgb: [0.5, 0.3, 0.15] },
  { name: 'beige', en: 'beige', zh: '米色', rgb: [0.88, 0.8, 0.62] },
  { name: 'white', en: 'white', zh: '白色', rgb: [0.93, 0.93, 0.91] },
  { name: 'gray', en: 'gray', zh: '灰色', rgb: [0.5, 0.5, 0.52] },
  { name: 'black', en: 'black', zh: '黑色', rgb: [0.1, 0.1, 0.11] },
  { name: 'gold', en: 'golden', zh: '金色', rgb: [0.85, 0.66, 0.2] },
]) as readonly PaletteColor[];

export type ColorName = (typeof PALETTE)[number]['name'];

export function colorByName(name: string): PaletteColor {
  const c = PALETTE.find((p) => p.name === name);
  if (!c) throw new Error(`colorByName: unknown colour '${name}'`);
  return c;
}

/**
 * Surface materials, painted as textures by `materials.ts`. `en`/`zh` are the caption words;
 * `plain` is never named in a caption.
 */
export interface MaterialInfo {
  name: MaterialName;
  en: string;
  zh: string;
}

export const MATERIAL_NAMES = ['plain', 'wood', 'metal', 'stone', 'stripes', 'checks', 'dots'] as const;
export type MaterialName = (typeof MATERIAL_NAMES)[number];

export const MATERIALS: Readonly<Record<MaterialName, MaterialInfo>> = Object.freeze({
  plain: { name: 'plain', en: '', zh: '' },
  wood: { name: 'wood', en: 'wooden', zh: '木制' },
  metal: { name: 'metal', en: 'metal', zh: '金属' },
  stone: { name: 'stone', en: 'stone', zh: '石头' },
  stripes: { name: 'stripes', en: 'striped', zh: '条纹' },
  checks: { name: 'checks', en: 'checkered', zh: '格子' },
  dots: { name: 'dots', en: 'polka-dot', zh: '波点' },
});

/** What one slot of an object looks like: a palette colour painted with a material. */
export interface Appearance {
  color: string;
  material: MaterialName;
}
