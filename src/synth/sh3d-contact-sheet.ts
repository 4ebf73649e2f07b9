import { orbitCamera } from '../geometry/camera.js';
import { normalizeMesh } from '../geometry/normalize.js';
import { renderMesh } from '../render/render-mesh.js';
import { captionLines, composeContactSheet, type SheetCell } from './contact-sheet.js';
import { readSh3dCatalogs, SH3D_DEFAULT_DIR } from './sh3d-catalogs.js';
import { filterSh3dEntry } from './sh3d-filter.js';
import { sh3dSplitEntries } from './sh3d-corpus.js';
import type { Sh3dSplit } from './sh3d-split.js';

export interface Sh3dContactSheetOptions {
  dir: string;
  split: Sh3dSplit;
  count: number;
  columns: number;
  size: number;
}

export const SH3D_CONTACT_SHEET_DEFAULTS: Sh3dContactSheetOptions = { dir: SH3D_DEFAULT_DIR, split: 'train', count: 48, columns: 8, size: 192 };

/**
 * A PNG contact sheet of usable catalogue objects of a split, spread evenly over it (so every
 * collection shows), each from its front three-quarter view with its English and Chinese names.
 */
export async function renderSh3dContactSheet(options: Partial<Sh3dContactSheetOptions> = {}): Promise<Buffer> {
  const o = { ...SH3D_CONTACT_SHEET_DEFAULTS, ...options };
  const entries = sh3dSplitEntries(await readSh3dCatalogs(o.dir), o.split);
  const cells: SheetCell[] = [];
  const step = Math.max(1, Math.floor(entries.length / o.count));
  for (let i = 0; i < entries.length && cells.length < o.count; i += step) {
    const candidate = await filterSh3dEntry(entries[i].catalog, entries[i].entry);
    if ('skip' in candidate) continue;
    const camera = orbitCamera({ azimuth: 35, elevation: 20, distance: 2.6, fov: 30 }, o.size, o.size);
    const picture = renderMesh(normalizeMesh(candidate.object.mesh), camera, { supersample: 3, background: [1, 1, 1, 1] }).color;
    const e = candidate.object.entry;
    cells.push({ picture, lines: captionLines(`${e.name} (${e.collection})`, e.nameZh ?? '—') });
  }
  return composeContactSheet(cells, o.columns, o.size);
}
