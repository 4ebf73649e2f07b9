import sharp, { type OverlayOptions } from 'sharp';
import { toUint8, type RasterImage } from '../core/image.js';
import { orbitCamera } from '../geometry/camera.js';
import { renderMesh } from '../render/render-mesh.js';
import { synthesizeSample } from './synthesize-sample.js';
import { DEFAULT_RIG } from '../geometry/rig.js';
import type { Split } from './splits.js';

export interface ContactSheetOptions {
  split: Split;
  seed: number;
  count: number;
  columns: number;
  /** Pixel size of each object's picture. */
  size: number;
}

export const CONTACT_SHEET_DEFAULTS: Omit<ContactSheetOptions, 'split'> = { seed: 1, count: 48, columns: 8, size: 192 };

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Breaks a caption into at most `lines` lines of about `width` characters. */
function wrap(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  if (out.length > lines) out.splice(lines - 1, out.length - lines + 1, out.slice(lines - 1).join(' ').slice(0, width - 1) + '…');
  return out;
}

/**
 * A PNG contact sheet of a split's first objects, each drawn from a three-quarter view with its
 * first English and Chinese captions below, so a person can see the world the model learns.
 * (Chinese glyphs need a CJK font on the system; without one they render as boxes.)
 */
export async function renderContactSheet(options: Partial<ContactSheetOptions> & Pick<ContactSheetOptions, 'split'>): Promise<Buffer> {
  const o = { ...CONTACT_SHEET_DEFAULTS, ...options };
  const cells: SheetCell[] = [];
  for (let i = 0; i < o.count; i++) {
    const s = synthesizeSample({ corpusSeed: o.seed, split: o.split, index: i, resolution: 16, rig: DEFAULT_RIG, tile: 128 });
    // Turn the camera with the object's yaw, so every object is seen from its front three-quarter view.
    const camera = orbitCamera({ azimuth: 35 + s.record.yaw, elevation: 20, distance: 2.6, fov: 30 }, o.size, o.size);
    const picture = renderMesh(s.mesh, camera, { supersample: 3, background: [1, 1, 1, 1] }).color;
    cells.push({ picture, lines: captionLines(s.record.captions.en[0], s.record.captions.zh[0]) });
  }
  return composeContactSheet(cells, o.columns, o.size);
}

/** One line of a contact sheet's caption: wrapped to at most `wrap` lines (default 1). */
export interface SheetLine {
  text: string;
  /** CSS colour (default #222). */
  color?: string;
  /** Lines it may wrap to; the last one ends with … when the text is longer. */
  wrap?: number;
  /** Set a Chinese font first (the system needs a CJK font; without one, glyphs render as boxes). */
  cjk?: boolean;
}

/** One picture of a contact sheet with its caption lines. */
export interface SheetCell {
  picture: RasterImage;
  lines: SheetLine[];
}

/** A corpus object's caption: the English caption on up to two lines, the Chinese one below in grey. */
export function captionLines(en: string, zh: string): SheetLine[] {
  return [{ text: en, wrap: 2 }, { text: zh, color: '#555', cjk: true }];
}

/**
 * Lays pictures (all `size` square, RGBA over white) out in `columns` with their caption lines
 * below, in `captionHeight` pixels, as a PNG.
 */
export async function composeContactSheet(cells: SheetCell[], columns: number, size: number, captionHeight = 64): Promise<Buffer> {
  const cellW = size, cellH = size + captionHeight;
  const rows = Math.ceil(cells.length / columns);
  const composites: OverlayOptions[] = [];
  cells.forEach((c, i) => {
    const left = (i % columns) * cellW, top = Math.floor(i / columns) * cellH;
    composites.push({ input: Buffer.from(toUint8(c.picture)), raw: { width: size, height: size, channels: 4 }, left, top });
    const text: string[] = [];
    let y = 14;
    for (const line of c.lines) {
      const font = line.cjk ? 'Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif' : 'DejaVu Sans, sans-serif';
      for (const l of wrap(line.text, Math.floor(size / 6.2), line.wrap ?? 1)) {
        text.push(`<text x="6" y="${y}" font-family="${font}" font-size="11" fill="${line.color ?? '#222'}">${escapeXml(l)}</text>`);
        y += 14;
      }
      y += 2;
    }
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cellW}" height="${captionHeight}">${text.join('')}</svg>`;
    composites.push({ input: Buffer.from(svg), left, top: top + size });
  });
  return sharp({ create: { width: columns * cellW, height: rows * cellH, channels: 4, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer();
}
