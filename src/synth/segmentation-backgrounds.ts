import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { KilnError } from '../core/errors.js';

/**
 * Real photographs behind the segmentation network's training composites: the desktop backgrounds
 * Debian 12 ships (surveyed in `docs/segmentation-backgrounds.md`), each with its package, author
 * and licence as the package's `copyright` file (or a KDE wallpaper's `metadata.json`) states it.
 * The pictures are never copied into the repository: the composite generator reads them where the
 * packages install them and lists those it used, with their licences, in the corpus's `CREDITS.md`.
 *
 * The split is by file and fixed here: a `heldout` picture never appears behind a training
 * composite, so held-out composites measure backgrounds the network has never seen. Six
 * photographs of 36 are held out, chosen to span the kinds there are (an indoor doorway, a
 * mountain path, a flower close-up, a stormy road, boats at dusk, a forest path), and one
 * illustration of six.
 */
export interface BackgroundPicture {
  /** Absolute path where the package installs it. */
  path: string;
  /** The Debian package that ships it. */
  package: string;
  title: string;
  author: string;
  /** SPDX identifier of the picture's licence. */
  license: string;
  /** `photo` (a real scene) or `illustration` (drawn or rendered: colour and edge clutter, not realism). */
  kind: 'photo' | 'illustration';
  /** Indoor scenes: the kind of place kiln's users photograph objects in. */
  indoor: boolean;
  split: BackgroundSplit;
}

export const BACKGROUND_SPLITS = ['train', 'heldout'] as const;
export type BackgroundSplit = (typeof BACKGROUND_SPLITS)[number];

/** Licences that ask only for attribution (or nothing): a model trained on these alone stays permissive. */
export const PERMISSIVE_LICENSES: ReadonlySet<string> = new Set(['CC0-1.0', 'CC-BY-4.0']);

const LOMIRI_16 = 'lomiri-wallpapers-16.04';
const LOMIRI_20 = 'lomiri-wallpapers-20.04';
const MATE = 'mate-backgrounds';
const PLASMA = 'plasma-workspace-wallpapers';

function lomiri(pkg: string, file: string, title: string, author: string, license: string, kind: BackgroundPicture['kind'], indoor: boolean, split: BackgroundSplit = 'train'): BackgroundPicture {
  return { path: `/usr/share/backgrounds/${file}`, package: pkg, title, author, license, kind, indoor, split };
}

function mate(file: string, author: string, split: BackgroundSplit = 'train'): BackgroundPicture {
  return { path: `/usr/share/backgrounds/mate/nature/${file}.jpg`, package: MATE, title: file, author, license: 'GPL-2.0-or-later', kind: 'photo', indoor: false, split };
}

function plasma(name: string, title: string, author: string, license: string, size = '1920x1080', split: BackgroundSplit = 'train', kind: BackgroundPicture['kind'] = 'photo'): BackgroundPicture {
  return { path: `/usr/share/wallpapers/${name}/contents/images/${size}.jpg`, package: PLASMA, title, author, license, kind, indoor: false, split };
}

/** Every picture the generator may use, with its licence and split. */
export const BACKGROUND_PICTURES: readonly BackgroundPicture[] = Object.freeze([
  // lomiri-wallpapers-16.04 20.04.0-2 (debian/copyright, per file)
  lomiri(LOMIRI_16, 'Bridge_by_Sander_Klootwijk.jpg', 'Bridge (cables over a mudflat)', 'Sander Klootwijk', 'CC-BY-SA-4.0', 'photo', false),
  lomiri(LOMIRI_16, 'Dragonfly_by_Bolly.jpg', 'Dragonfly (a dry plant against leaves)', '"Bolly"', 'CC-BY-SA-4.0', 'photo', false),
  lomiri(LOMIRI_16, 'Picture_0B_by_freespace.jpg', 'A fig on a red plate', 'Trevor "Freespace"', 'CC-BY-4.0', 'photo', true),
  lomiri(LOMIRI_16, 'Picture_1A_by_freespace.jpg', 'Paint brushes', 'Trevor "Freespace"', 'CC-BY-4.0', 'photo', true),
  lomiri(LOMIRI_16, 'Wine_by_Jakkub_Mede.jpg', 'A room with a table and wine', 'Jakub Mede', 'CC-BY-4.0', 'photo', true),
  lomiri(LOMIRI_16, 'aitzgorri_by_Aitzol_Berasategi.jpg', 'Aitzgorri (autumn mountains)', 'Aitzol Berasategi', 'CC-BY-4.0', 'photo', false),
  lomiri(LOMIRI_16, 'free_by_Peter_Nerlich.jpg', 'A bird under lamps', 'Peter Nerlich', 'CC-BY-SA-4.0', 'photo', true),
  lomiri(LOMIRI_16, 'friends_by_Aitzol_Berasategi.jpg', 'Two dogs at a door', 'Aitzol Berasategi', 'CC-BY-4.0', 'photo', true, 'heldout'),
  lomiri(LOMIRI_16, 'greentock_by_Peter_Nerlich.jpg', 'A wall clock', 'Peter Nerlich', 'CC-BY-SA-4.0', 'photo', true),
  lomiri(LOMIRI_16, 'life_by_Aitzol_Berasategi.jpg', 'A creek in a forest', 'Aitzol Berasategi', 'CC-BY-4.0', 'photo', false),
  lomiri(LOMIRI_16, 'picosdeeuropa_by_Aitzol_Berasategi.jpg', 'Picos de Europa (a mountain path)', 'Aitzol Berasategi', 'CC-BY-4.0', 'photo', false, 'heldout'),
  lomiri(LOMIRI_16, 'seeding_by_Clements_Engelhardt.jpg', 'Dandelions', 'Clemens Engelhardt', 'CC0-1.0', 'photo', false),
  lomiri(LOMIRI_16, 'sunset_by_Aitzol_Berasategi.jpg', 'Sunset on a hilltop', 'Aitzol Berasategi', 'CC-BY-4.0', 'photo', false),
  lomiri(LOMIRI_16, 'analogpattern_by_Peter_Nerlich.jpg', 'Analog pattern (a grainy colour texture)', 'Peter Nerlich', 'CC-BY-SA-4.0', 'illustration', false),
  lomiri(LOMIRI_16, 'umang_by_Abhishek_Mudgal.jpg', 'Umang (colour gradients)', 'Abhishek Mudgal', 'CC-BY-4.0', 'illustration', false),
  // lomiri-wallpapers-20.04 20.04.0-2
  lomiri(LOMIRI_20, 'Kleiber_by_Lukas_Baubkus.jpg', 'Kleiber (a nuthatch on a tree trunk)', 'Lukas Baubkus', 'CC-BY-SA-3.0', 'photo', false),
  lomiri(LOMIRI_20, 'Fossa_by_Jasper_Roks.jpg', 'Fossa (curves)', 'Jasper Roks', 'CC-BY-SA-3.0', 'illustration', false),
  lomiri(LOMIRI_20, 'Infinite-Sea_by_Aury88.jpg', 'Infinite Sea', 'Aury88', 'CC-BY-SA-3.0', 'illustration', false, 'heldout'),
  lomiri(LOMIRI_20, 'Painting-Colors_by__herobrine7gamer.jpg', 'Painting Colors (stripes)', 'HEROBRINE7GAMER', 'CC-BY-SA-3.0', 'illustration', false),
  // mate-backgrounds 1.26.0-1, nature/ (debian/copyright: GPL-2+, photographers named per file)
  mate('Aqua', 'Charles Barbin'),
  mate('Blinds', 'Lennart Poettering, Andrea Cimitan'),
  mate('Dune', 'Marco Cogoni, Hylke Bons'),
  mate('FreshFlower', 'Jens Ansorg'),
  mate('Garden', 'Charles Barbin'),
  mate('GreenMeadow', 'Timothy Schellhase, Lapo Calamandrei'),
  mate('LadyBird', 'Charles Barbin', 'heldout'),
  mate('RainDrops', '"blackcombwhistler07"'),
  mate('Storm', 'Sergey Nazarov', 'heldout'),
  mate('TwoWings', 'Charles Barbin, Hylke Bons'),
  mate('Wood', 'Jean-François Fortin Tam'),
  mate('YellowFlower', 'Charles Barbin'),
  // plasma-workspace-wallpapers 4:5.27.5-2 (each wallpaper's metadata.json)
  plasma('BytheWater', 'By the water (a pier at dusk)', 'Maciej Wiklo', 'LGPL-3.0-only'),
  plasma('ColdRipple', 'Cold Ripple (a jetty in fog)', 'Risto Saukonpää', 'LGPL-3.0-only'),
  plasma('DarkestHour', 'Darkest Hour (a lake at night)', 'Risto Saukonpää', 'LGPL-3.0-only'),
  plasma('EveningGlow', 'Evening Glow (boats on a shore)', 'Ian Hex', 'LGPL-3.0-only', '1920x1080', 'heldout'),
  plasma('FallenLeaf', 'Fallen Leaf', 'Martin Klapetek', 'LGPL-3.0-only'),
  plasma('Grey', 'Grey (a building’s facade)', 'Sigi Sagi', 'LGPL-3.0-only'),
  plasma('Kite', 'Kite (a kite in the sky)', 'Risto Saukonpää', 'LGPL-3.0-only'),
  plasma('OneStandsOut', 'One Stands Out (moss from above)', 'Risto Saukonpää', 'LGPL-3.0-only'),
  plasma('Path', 'Path (a forest path)', 'Risto Saukonpää', 'LGPL-3.0-only', '1920x1080', 'heldout'),
  plasma('summer_1am', 'summer 1am (a lake at dusk)', 'Risto Saukonpää', 'LGPL-3.0-only'),
  plasma('Shell', 'Shell (polygons)', 'Lucas Andrade', 'CC-BY-SA-4.0', '5120x2880', 'train', 'illustration'),
]) as readonly BackgroundPicture[];

/** Which pictures a corpus may use: every licence, or only those in {@link PERMISSIVE_LICENSES}. */
export type LicensePolicy = 'all' | 'permissive';

/** The pictures of a split under a licence policy (installed or not). */
export function backgroundsOf(split: BackgroundSplit, licenses: LicensePolicy = 'all'): BackgroundPicture[] {
  return BACKGROUND_PICTURES.filter((b) => b.split === split && (licenses === 'all' || PERMISSIVE_LICENSES.has(b.license)));
}

/** A picture decoded to 8-bit RGB at a working size. */
export interface LoadedBackground {
  picture: BackgroundPicture;
  width: number;
  height: number;
  /** uint8 RGB, row-major. */
  rgb: Uint8Array;
}

/**
 * Decodes the installed pictures of a list with their longer side at most `maxSide` (JPEG shrink on
 * load: a 5312-px photo costs a fraction of a second). A missing file is an error naming the package
 * to install, unless `skipMissing`, which leaves it out.
 */
export async function loadBackgrounds(pictures: readonly BackgroundPicture[], maxSide: number, skipMissing = false): Promise<LoadedBackground[]> {
  const out: LoadedBackground[] = [];
  const missing = pictures.filter((p) => !existsSync(p.path));
  if (missing.length && !skipMissing) {
    const packages = [...new Set(missing.map((p) => p.package))].join(' ');
    throw new KilnError('NOT_AVAILABLE', `loadBackgrounds: ${missing.length} background picture(s) missing (first: ${missing[0].path}); apt-get install ${packages}`);
  }
  for (const picture of pictures) {
    if (!existsSync(picture.path)) continue;
    const { data, info } = await sharp(picture.path)
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    out.push({ picture, width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }
  return out;
}

/**
 * The credits (Markdown) of the pictures a corpus or a model used: one row each with its package,
 * author and licence, and the strictest licence family among them (what a model trained on them
 * should assume it carries: weights as derivative works is unsettled law).
 */
export function renderBackgroundCredits(pictures: readonly BackgroundPicture[]): string {
  const sorted = [...new Map(pictures.map((p) => [p.path, p])).values()].sort((a, b) => a.package.localeCompare(b.package) || a.path.localeCompare(b.path));
  const licenses = [...new Set(sorted.map((p) => p.license))].sort();
  const copyleft = licenses.filter((l) => !PERMISSIVE_LICENSES.has(l));
  return [
    '# Credits: background photographs',
    '',
    'Desktop backgrounds packaged by Debian 12, read where the packages install them and composited',
    'behind rendered objects (cropped, scaled, blurred, recoloured); licences as each package’s',
    '`/usr/share/doc/<package>/copyright` (or a KDE wallpaper’s `metadata.json`) states them.',
    '',
    '| picture | title | author | licence | package |',
    '|---|---|---|---|---|',
    ...sorted.map((p) => `| \`${p.path}\` | ${p.title} | ${p.author} | ${p.license} | ${p.package} |`),
    '',
    `Licences used: ${licenses.join(', ')}.`,
    copyleft.length
      ? `Share-alike or copyleft licences among them (${copyleft.join(', ')}): whether trained weights are a derivative work is unsettled; a model trained on these composites keeps this list and follows the strictest of them, or is retrained with \`--licenses permissive\`.`
      : 'All of them permissive (CC0 or CC-BY): credit the authors above.',
    '',
  ].join('\n');
}
