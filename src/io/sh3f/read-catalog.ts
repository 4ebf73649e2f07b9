import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { unzipSync } from 'fflate';
import { Converter } from 'opencc-js/t2cn';
import { KilnError, describeError } from '../../core/errors.js';
import { parseProperties } from './parse-properties.js';

/** One piece of furniture as a Sweet Home 3D catalogue describes it. */
export interface CatalogEntry {
  /** `collection:modelPath`, the key the test split lists (collection = the .sh3f base name). */
  key: string;
  collection: string;
  /** The `#N` of the entry's properties. */
  index: number;
  id: string;
  name: string;
  /** Simplified Chinese: the zh_CN name, else the zh_TW name converted; undefined if neither exists. */
  nameZh?: string;
  /** Where `nameZh` came from. */
  nameZhSource?: 'zh_CN' | 'zh_TW';
  category: string;
  creator: string;
  /** The catalogue's `model#N` value as written (a path inside the zip, with a leading slash). */
  modelPath: string;
  /** Size in centimetres along x, z and y of the rotated model (Sweet Home 3D's width, depth, height). */
  width: number;
  depth: number;
  height: number;
  /** Row-major 3×3 rotation applied to the OBJ before sizing (`modelRotation#N`), if any. */
  modelRotation?: number[];
  doorOrWindow: boolean;
  /** Entries with light sources (lamps keep their geometry; some are only a light). */
  lightSource: boolean;
  /** The collection's licence line (the catalogue's `license` key). */
  license: string;
}

/** A `.sh3f` catalogue: its entries and its zip's files (decompressed on demand). */
export interface Sh3fCatalog {
  collection: string;
  /** The catalogue's own name (`name=`), e.g. "Scopia catalog". */
  title: string;
  license: string;
  entries: CatalogEntry[];
  /** Reads a file of the zip by path (leading slash optional); undefined when absent. Zip paths are case-sensitive. */
  file(path: string): Uint8Array | undefined;
}

let toSimplified: ((s: string) => string) | undefined;

/** Traditional (Taiwan) → Simplified (mainland) Chinese with OpenCC's dictionaries. */
export function traditionalToSimplified(text: string): string {
  const convert = (toSimplified ??= Converter({ from: 'tw', to: 'cn' }));
  return convert(text);
}

const PROPERTIES = 'PluginFurnitureCatalog';

/**
 * Reads a Sweet Home 3D furniture catalogue (`.sh3f`: a zip of OBJ/MTL/texture files with
 * `PluginFurnitureCatalog*.properties`). The collection name is the file's base name, as in the test
 * split's keys. Entries without a model are skipped; numeric fields that do not parse throw.
 */
export async function readSh3f(path: string): Promise<Sh3fCatalog> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new KilnError('NOT_FOUND', `readSh3f: cannot read ${path} (${describeError(err)})`, { cause: err });
  }
  return parseSh3f(bytes, basename(path, extname(path)));
}

/** {@link readSh3f} on bytes already in memory. */
export function parseSh3f(bytes: Uint8Array, collection: string): Sh3fCatalog {
  let props: Record<string, Uint8Array>;
  try {
    props = unzipSync(bytes, { filter: (f) => f.name.startsWith(PROPERTIES) && f.name.endsWith('.properties') });
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `readSh3f: ${collection} is not a zip archive (${describeError(err)})`, { cause: err });
  }
  const base = props[`${PROPERTIES}.properties`];
  if (!base) throw new KilnError('INVALID_INPUT', `readSh3f: ${collection} has no ${PROPERTIES}.properties`);
  const p = parseProperties(base);
  const cn = props[`${PROPERTIES}_zh_CN.properties`] ? parseProperties(props[`${PROPERTIES}_zh_CN.properties`]) : new Map<string, string>();
  const tw = props[`${PROPERTIES}_zh_TW.properties`] ? parseProperties(props[`${PROPERTIES}_zh_TW.properties`]) : new Map<string, string>();
  const license = p.get('license') ?? '';
  const entries: CatalogEntry[] = [];
  for (const [key, modelPath] of p) {
    const m = /^model#(\d+)$/.exec(key);
    if (!m) continue;
    const n = Number(m[1]);
    const get = (k: string) => p.get(`${k}#${n}`);
    const num = (k: string): number => {
      const v = Number(get(k));
      if (!Number.isFinite(v)) throw new KilnError('INVALID_INPUT', `readSh3f: ${collection} entry ${n}: ${k} "${get(k)}" is not a number`);
      return v;
    };
    // Untranslated names are left in English in the Chinese files: only a name with Han characters counts.
    const chinese = (s: string | undefined) => (s && /[\u3400-\u9fff]/.test(s) ? s.trim() : undefined);
    const zhCn = chinese(cn.get(`name#${n}`));
    const zhTw = chinese(tw.get(`name#${n}`));
    const rotation = get('modelRotation')?.trim().split(/\s+/).map(Number);
    const entry: CatalogEntry = {
      key: `${collection}:${modelPath}`,
      collection,
      index: n,
      id: get('id') ?? `${collection}#${n}`,
      name: (get('name') ?? '').trim(),
      category: (get('category') ?? '').trim(),
      creator: (get('creator') ?? '').trim(),
      modelPath,
      width: num('width'),
      depth: num('depth'),
      height: num('height'),
      doorOrWindow: get('doorOrWindow') === 'true',
      lightSource: get('lightSourceX') !== undefined,
      license,
    };
    if (zhCn) Object.assign(entry, { nameZh: zhCn, nameZhSource: 'zh_CN' });
    else if (zhTw) Object.assign(entry, { nameZh: traditionalToSimplified(zhTw), nameZhSource: 'zh_TW' });
    if (rotation && rotation.length === 9 && rotation.every(Number.isFinite)) entry.modelRotation = rotation;
    entries.push(entry);
  }
  entries.sort((a, b) => a.index - b.index);
  return {
    collection,
    title: p.get('name') ?? collection,
    license,
    entries,
    file(path: string) {
      // Decompresses only the one file (models are read once each, so nothing is cached).
      const name = path.replace(/^\/+/, '');
      return unzipSync(bytes, { filter: (f) => f.name === name })[name];
    },
  };
}
