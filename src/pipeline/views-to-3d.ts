import { KilnError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import { throwIfAborted, weightedProgress, type OperationOptions } from '../core/progress.js';
import { orbitCamera } from '../geometry/camera.js';
import type { Mesh } from '../geometry/mesh.js';
import { parseViewRig } from '../geometry/rig.js';
import { removeBackground, type BackgroundRemoval } from '../preprocess/remove-background.js';
import { cutSummary, requireConfidentCut, type CutSummary } from '../preprocess/cut-confidence.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { silhouetteAgreement, SILHOUETTE_AGREEMENT_DEFAULTS } from '../reconstruct/silhouette-agreement.js';
import { timed, type GenerationResult } from './generation.js';
import type { ViewAgreement } from './generation-report.js';
import { reconstructFromViews, RECONSTRUCT_FROM_VIEWS_DEFAULTS } from './reconstruct-from-views.js';

/** One photo of the object and where it was taken from (degrees; 0° azimuth is the front). */
export interface PhotoView {
  image: RasterImage;
  azimuth: number;
  elevation: number;
  /** How messages and the report name this photo (its file name); default `view <index>`. */
  name?: string;
}

export interface ViewsTo3DOptions extends OperationOptions {
  /** Camera distance from the object's centre, in units of the object's longest side. */
  distance: number;
  /** Vertical field of view in degrees. */
  fov: number;
  resolution: number;
  faceBudget: number;
  textureSize: number;
  colorMode: 'texture' | 'vertex';
  /**
   * Keep the model even when the photos disagree with their angles, or when a photo's cut-out is
   * doubtful (see `assessCut`); the warnings stay in the result. By default such a run fails and
   * names the photos.
   */
  force: boolean;
  /** Per-view silhouette IoU below which a photo disagrees with the others (see `silhouetteAgreement`). */
  agreementThreshold: number;
  /**
   * Cut the model at the plane it rests on (see `reconstructGeometry`); default: on when every
   * elevation is positive, i.e. nothing looks at the object from below.
   */
  supportPlane?: boolean;
}

export const VIEWS_TO_3D_DEFAULTS: ViewsTo3DOptions = {
  distance: 3,
  fov: 30,
  resolution: RECONSTRUCT_FROM_VIEWS_DEFAULTS.resolution,
  faceBudget: 20000,
  textureSize: 1024,
  colorMode: 'texture',
  force: false,
  agreementThreshold: SILHOUETTE_AGREEMENT_DEFAULTS.threshold,
};

/**
 * Photos around an object with known orbit cameras → textured mesh, straight to reconstruction (no
 * diffusion). Each photo's matte is its alpha channel if it has one, else its plain background is
 * removed as for image → 3D. The photos are trusted as calibrated: every view carves
 * (outlierViews 0), so a photo whose angle is wrong carves the object thinner; the geometry is
 * then re-projected at every camera and compared with the photos' alpha, and the run fails with
 * the disagreeing photos named (unless `force`) before anything is textured. Progress is one
 * weighted fraction over preprocess, reconstruct, unwrap and texture.
 */
export async function viewsTo3D(photos: PhotoView[], options: Partial<ViewsTo3DOptions> = {}): Promise<GenerationResult> {
  const o = { ...VIEWS_TO_3D_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (photos.length < 2) throw new KilnError('INVALID_INPUT', `views: need at least 2 photos with their angles, got ${photos.length}`);
  const rig = parseViewRig({ views: photos.map((p) => ({ azimuth: p.azimuth, elevation: p.elevation, distance: o.distance, fov: o.fov })) });
  const timings: Record<string, number> = {};
  const progress = weightedProgress({ preprocess: 1, reconstruct: 3, unwrap: 1, texture: 2 }, o.onProgress);
  const mattes: string[] = [];
  const cutouts: NamedCutSummary[] = [];
  const views: CalibratedView[] = await timed(timings, 'preprocess', () =>
    photos.map((p, i) => {
      throwIfAborted(o.signal, 'viewsTo3D');
      let image = p.image;
      if (image.channels === 4) {
        mattes.push('alpha');
      } else {
        let removed: BackgroundRemoval;
        try {
          removed = removeBackground(image, { signal: o.signal });
        } catch (err) {
          throw err instanceof KilnError ? new KilnError(err.code, `view ${i}: ${err.message}`) : err;
        }
        cutouts.push({ name: p.name ?? `view ${i}`, ...cutSummary(requireConfidentCut(removed.evidence, o.force, `view ${i}`)) });
        image = removed.image;
        mattes.push('background-removal');
      }
      progress({ stage: 'preprocess', fraction: (i + 1) / photos.length });
      return { camera: orbitCamera(rig.views[i], image.width, image.height), image };
    }),
  );
  const supportPlane = o.supportPlane ?? photos.every((p) => p.elevation > 0);
  let viewAgreement: ViewAgreement | undefined;
  const recon = await reconstructFromViews(views, {
    resolution: o.resolution,
    faceBudget: o.faceBudget,
    textureSize: o.textureSize,
    colorMode: o.colorMode,
    outlierViews: 0,
    supportPlane,
    signal: o.signal,
    onProgress: progress,
    onGeometry: (mesh) => {
      viewAgreement = checkAgreement(mesh, views, photos, o);
    },
  });
  Object.assign(timings, recon.timings);
  return {
    mesh: recon.mesh,
    seed: 0,
    options: { views: rig.views, mattes, resolution: o.resolution, faceBudget: o.faceBudget, textureSize: o.textureSize, colorMode: o.colorMode, supportPlane, force: o.force },
    viewAgreement,
    cutouts: cutouts.length ? cutouts : undefined,
    photos: views.map((v) => v.image),
    timings,
  };
}

/** The silhouette check on the geometry: throws unless the photos agree or `force` is set. */
function checkAgreement(mesh: Mesh, views: CalibratedView[], photos: PhotoView[], o: ViewsTo3DOptions): ViewAgreement {
  const a = silhouetteAgreement(mesh, views, { threshold: o.agreementThreshold, signal: o.signal });
  const result: ViewAgreement = {
    threshold: a.threshold,
    minIoU: round3(a.minIoU),
    views: photos.map((p, i) => ({ name: p.name ?? `view ${i}`, azimuth: p.azimuth, elevation: p.elevation, iou: round3(a.ious[i]) })),
    disagreeing: a.disagreeing,
  };
  if (a.disagreeing.length === 0) return result;
  const named = a.disagreeing.map((i) => {
    const v = result.views[i];
    return `${v.name} (azimuth ${v.azimuth}°, elevation ${v.elevation}°: IoU ${v.iou.toFixed(3)})`;
  });
  const what =
    `the photos disagree with their angles: the model seen from ${named.join(', ')} covers the photo's outline ` +
    `below IoU ${a.threshold} (photos with correct angles score above it)`;
  if (!o.force) {
    throw new KilnError('INVALID_INPUT', `views: ${what}; check those photos' azimuths and elevations, or force the run (--force, API field force) to keep the model anyway`);
  }
  result.warning = `${what}; kept because the run was forced`;
  return result;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

type NamedCutSummary = CutSummary & { name: string };
