import { KilnError } from '../core/errors.js';

/**
 * The output format registry: every model format kiln writes, the files each one makes, and every
 * file a generation may leave in its output folder with its media type and label. The writers
 * (`write-model-files.ts`), the output folder (`write-outputs.ts`), the server's file route and the
 * web app's download links all read this one table. It is plain data (no writer code), so the web
 * app bundles it too. A new format: add it here and its writer to `FORMAT_WRITERS`.
 */
export const OUTPUT_FORMATS = ['glb', 'obj', 'stl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What one output file is: its media type and a label for people. */
export interface OutputFileSpec {
  type: string;
  label: string;
}

/** One model format: what it is for, and the files it writes (the optional ones only when they apply). */
export interface OutputFormatSpec {
  label: string;
  description: string;
  files: readonly string[];
  /** Further files it may write, numbered (OBJ: one PNG per textured material after the first). */
  numberedFiles?: RegExp;
}

/** `model-1.png`, `model-2.png`, …: the textures of an OBJ's second and later textured materials. */
const TEXTURE_N = /^model-([1-9]\d{0,3})\.png$/;

export const FORMAT_REGISTRY: Readonly<Record<OutputFormat, OutputFormatSpec>> = Object.freeze({
  glb: { label: 'GLB', description: 'binary glTF 2.0 with its texture inside, for the web, game engines and AR', files: ['model.glb'] },
  obj: {
    label: 'OBJ',
    description: 'Wavefront OBJ with its MTL and PNG textures (one per material), for DCC tools',
    files: ['model.obj', 'model.mtl', 'model.png'],
    numberedFiles: TEXTURE_N,
  },
  stl: { label: 'STL', description: 'binary STL, geometry only, for 3D printing', files: ['model.stl'] },
});

/** The formats a generation writes when none are named. */
export const DEFAULT_FORMATS: readonly OutputFormat[] = Object.freeze(['glb', 'obj']);

/** Every file a generation may write, in the order a person would want them listed; nothing else in its folder is touched. */
export const OUTPUT_FILES: Readonly<Record<string, OutputFileSpec>> = Object.freeze({
  'condition.png': { type: 'image/png', label: 'Image drawn from the prompt' },
  'input.png': { type: 'image/png', label: 'Input cut-out' },
  'views.png': { type: 'image/png', label: 'Generated views' },
  'model.glb': { type: 'model/gltf-binary', label: 'GLB' },
  'model.obj': { type: 'model/obj', label: 'OBJ' },
  'model.mtl': { type: 'model/mtl', label: 'MTL' },
  'model.png': { type: 'image/png', label: 'Texture PNG' },
  'model.stl': { type: 'model/stl', label: 'STL' },
  'preview.gif': { type: 'image/gif', label: 'Turntable GIF' },
  'report.json': { type: 'application/json', label: 'Report' },
});

/** The names of {@link OUTPUT_FILES} (an OBJ's numbered textures, `model-<n>.png`, come on top). */
export const KNOWN_OUTPUTS: readonly string[] = Object.freeze(Object.keys(OUTPUT_FILES));

/** What output file `name` is (its media type and label), or undefined when a generation never writes it. */
export function outputFileSpec(name: string): OutputFileSpec | undefined {
  if (Object.hasOwn(OUTPUT_FILES, name)) return OUTPUT_FILES[name];
  const n = TEXTURE_N.exec(name);
  return n ? { type: 'image/png', label: `Texture PNG ${Number(n[1]) + 1}` } : undefined;
}

/** Whether `name` is a file a generation may write. */
export function isOutputFile(name: string): boolean {
  return outputFileSpec(name) !== undefined;
}

/**
 * The output files among `names` with their specs, in {@link OUTPUT_FILES}' order, an OBJ's
 * numbered textures right after `model.png`; other names are left out.
 */
export function listOutputFiles(names: readonly string[]): Array<[string, OutputFileSpec]> {
  const rank = (f: string) => {
    const n = TEXTURE_N.exec(f);
    return n ? KNOWN_OUTPUTS.indexOf('model.png') + Number(n[1]) / 1e4 : KNOWN_OUTPUTS.indexOf(f);
  };
  return names
    .filter(isOutputFile)
    .sort((a, b) => rank(a) - rank(b))
    .map((f) => [f, outputFileSpec(f)!]);
}

/** The format that writes `file` (`model.mtl` → `obj`), or undefined for previews and the report. */
export function formatOfFile(file: string): OutputFormat | undefined {
  return OUTPUT_FORMATS.find((f) => FORMAT_REGISTRY[f].files.includes(file) || FORMAT_REGISTRY[f].numberedFiles?.test(file));
}

/** Parses `glb,obj,stl` into formats, rejecting unknown names. */
export function parseFormats(value: string): OutputFormat[] {
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = list.filter((f) => !(OUTPUT_FORMATS as readonly string[]).includes(f));
  if (!list.length || bad.length) throw new KilnError('INVALID_INPUT', `unknown output format(s) ${bad.join(', ') || '(none)'}; choose from ${OUTPUT_FORMATS.join(', ')}`);
  return [...new Set(list)] as OutputFormat[];
}
