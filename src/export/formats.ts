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
}

export const FORMAT_REGISTRY: Readonly<Record<OutputFormat, OutputFormatSpec>> = Object.freeze({
  glb: { label: 'GLB', description: 'binary glTF 2.0 with its texture inside, for the web, game engines and AR', files: ['model.glb'] },
  obj: { label: 'OBJ', description: 'Wavefront OBJ with its MTL and PNG texture, for DCC tools', files: ['model.obj', 'model.mtl', 'model.png'] },
  stl: { label: 'STL', description: 'binary STL, geometry only, for 3D printing', files: ['model.stl'] },
});

/** The formats a generation writes when none are named. */
export const DEFAULT_FORMATS: readonly OutputFormat[] = Object.freeze(['glb', 'obj']);

/** Every file a generation may write, in the order a person would want them listed; nothing else in its folder is touched. */
export const OUTPUT_FILES: Readonly<Record<string, OutputFileSpec>> = Object.freeze({
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

/** The names of {@link OUTPUT_FILES}. */
export const KNOWN_OUTPUTS: readonly string[] = Object.freeze(Object.keys(OUTPUT_FILES));

/** Whether `name` is a file a generation may write. */
export function isOutputFile(name: string): boolean {
  return Object.hasOwn(OUTPUT_FILES, name);
}

/** The format that writes `file` (`model.mtl` → `obj`), or undefined for previews and the report. */
export function formatOfFile(file: string): OutputFormat | undefined {
  return OUTPUT_FORMATS.find((f) => FORMAT_REGISTRY[f].files.includes(file));
}

/** Parses `glb,obj,stl` into formats, rejecting unknown names. */
export function parseFormats(value: string): OutputFormat[] {
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = list.filter((f) => !(OUTPUT_FORMATS as readonly string[]).includes(f));
  if (!list.length || bad.length) throw new KilnError('INVALID_INPUT', `unknown output format(s) ${bad.join(', ') || '(none)'}; choose from ${OUTPUT_FORMATS.join(', ')}`);
  return [...new Set(list)] as OutputFormat[];
}
