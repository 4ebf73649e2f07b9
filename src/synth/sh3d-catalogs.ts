import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../core/errors.js';
import { readSh3f, type Sh3fCatalog } from '../io/sh3f/read-catalog.js';

/** Where Debian's `sweethome3d-furniture` package installs its catalogues. */
export const SH3D_DEFAULT_DIR = '/usr/share/sweethome3d/furniture';

/**
 * Reads every `.sh3f` catalogue of a folder, in name order. A missing or empty folder is a
 * `NOT_AVAILABLE` error whose message says how to install the package.
 */
export async function readSh3dCatalogs(dir = SH3D_DEFAULT_DIR): Promise<Sh3fCatalog[]> {
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.sh3f')).sort() : [];
  if (files.length === 0) {
    throw new KilnError('NOT_AVAILABLE', `no Sweet Home 3D catalogues (*.sh3f) in ${dir}: apt-get install sweethome3d-furniture (or pass --sh3d-dir)`);
  }
  const out: Sh3fCatalog[] = [];
  for (const f of files) out.push(await readSh3f(join(dir, f)));
  return out;
}
