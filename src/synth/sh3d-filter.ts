import { surfaceArea, type Mesh } from '../geometry/mesh.js';
import { removeTransparent } from '../geometry/remove-transparent.js';
import { CatalogModelError, loadCatalogModel } from '../io/sh3f/load-catalog-model.js';
import type { CatalogEntry, Sh3fCatalog } from '../io/sh3f/read-catalog.js';

/** Why a catalogue entry is not rendered; each is counted in the corpus summary. */
export const SH3D_SKIP_REASONS = ['door-or-window', 'no-faces', 'broken', 'too-large', 'flat', 'all-glass'] as const;
export type Sh3dSkipReason = (typeof SH3D_SKIP_REASONS)[number];

export interface Sh3dFilterOptions {
  /** Longest catalogue side above which an entry is architecture, not an object (cm). */
  maxSizeCm: number;
  /** Longest over shortest catalogue side above which an entry is flat (rugs, posters, mirrors). */
  maxSideRatio: number;
  /** Smallest share of the condition view an object must cover (thin or flat from that side). */
  minCoverage: number;
}

export const SH3D_FILTER_DEFAULTS: Sh3dFilterOptions = { maxSizeCm: 500, maxSideRatio: 10, minCoverage: 0.02 };

/** A usable catalogue model: metric, glass removed, with what loading reported. */
export interface Sh3dObject {
  entry: CatalogEntry;
  mesh: Mesh;
  /** See-through material groups were removed (and are absent from the ground truth too). */
  glassRemoved: boolean;
  warnings: string[];
}

export type Sh3dCandidate = { object: Sh3dObject } | { skip: Sh3dSkipReason; detail: string };

/**
 * Decides whether a catalogue entry can become training or test data, loading its model if the
 * catalogue's description allows it. People (Reallusion's characters, a few others) are kept: they
 * are well-formed textured meshes of a subject people photograph, few enough not to crowd out
 * furniture, and dropping them would make the fixed test split unlike the package. Coverage is
 * checked later, on the rendered condition view ({@link isTooThin}), and counts as `flat`.
 */
export async function filterSh3dEntry(catalog: Sh3fCatalog, entry: CatalogEntry, options: Partial<Sh3dFilterOptions> = {}): Promise<Sh3dCandidate> {
  const o = { ...SH3D_FILTER_DEFAULTS, ...options };
  if (entry.doorOrWindow) return { skip: 'door-or-window', detail: 'doors and windows are cut into walls' };
  const sides = [entry.width, entry.depth, entry.height];
  const longest = Math.max(...sides);
  if (longest > o.maxSizeCm) return { skip: 'too-large', detail: `${longest} cm` };
  const shortest = Math.min(...sides);
  if (!(shortest > 0) || longest / shortest > o.maxSideRatio) return { skip: 'flat', detail: `sides ${sides.join(' × ')} cm` };
  const warnings: string[] = [];
  let mesh: Mesh;
  try {
    mesh = await loadCatalogModel(catalog, entry, { onWarning: (w) => warnings.push(w) });
  } catch (err) {
    if (err instanceof CatalogModelError) return { skip: err.problem === 'no-faces' ? 'no-faces' : 'broken', detail: err.message };
    throw err;
  }
  const opaque = removeTransparent(mesh);
  if (!opaque || surfaceArea(opaque) <= 0) return { skip: 'all-glass', detail: 'only see-through materials' };
  return { object: { entry, mesh: opaque, glassRemoved: opaque !== mesh, warnings } };
}

/** Whether a rendered condition view's coverage (mean alpha) is below the filter's minimum. */
export function isTooThin(alphaMean: number, options: Partial<Sh3dFilterOptions> = {}): boolean {
  return alphaMean < { ...SH3D_FILTER_DEFAULTS, ...options }.minCoverage;
}
