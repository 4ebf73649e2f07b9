import { z } from 'zod';
import { KilnError } from '../core/errors.js';
import { orbitCamera, type Camera, type OrbitView } from './camera.js';

/**
 * Sane orbit cameras for an object of longest side 1 at the origin: outside its bounding sphere
 * (√3/2), not absurdly far, a field of view a lens has, and the object filling a usable part of the
 * frame (checked per view from distance and field of view together).
 */
export const ORBIT_LIMITS = Object.freeze({ minDistance: Math.sqrt(3) / 2, maxDistance: 100, minFov: 1, maxFov: 150, minFill: 0.05 });

/**
 * A view rig: the cameras at which a multi-view model generates (or a user photographed) an object,
 * as orbit views around the origin. Models declare their rig in `manifest.json`; stages read it
 * from there and never hard-code cameras. Angles are in degrees (see `camera.ts` for the
 * convention); the object is expected centred at the origin with its longest side 1.
 */
export const OrbitViewSchema = z
  .object({
    azimuth: z.number().min(-360).max(360).describe('degrees around the object, 0 = front; -360…360'),
    elevation: z.number().gt(-90).lt(90).describe('degrees above the horizon; strictly between -90 and 90'),
    distance: z
      .number()
      .gt(ORBIT_LIMITS.minDistance, { error: 'the camera must be outside the object: more than 0.87 object units from its centre' })
      .max(ORBIT_LIMITS.maxDistance, { error: `at most ${ORBIT_LIMITS.maxDistance} object units` })
      .describe('camera distance from the centre, in object units'),
    fov: z.number().min(ORBIT_LIMITS.minFov).max(ORBIT_LIMITS.maxFov).describe('vertical field of view in degrees'),
  })
  .superRefine((v, ctx) => {
    // The object's half-extent 0.5 over the half-frame at its distance: above 1 it is cut off,
    // below the floor it is a speck that nothing can be reconstructed from.
    const fill = 0.5 / (v.distance * Math.tan(((v.fov / 2) * Math.PI) / 180));
    if (fill > 1 || fill < ORBIT_LIMITS.minFill) {
      ctx.addIssue({
        code: 'custom',
        path: ['distance'],
        message: `distance ${v.distance} with a ${v.fov}° field of view does not frame the object (it would span ${Math.round(fill * 100)} % of the frame; ${Math.round(ORBIT_LIMITS.minFill * 100)}–100 % works, e.g. distance 3 at 30°)`,
      });
    }
  });

export const ViewRigSchema = z.object({
  views: z.array(OrbitViewSchema).min(1),
});

export type ViewRig = z.infer<typeof ViewRigSchema>;

/**
 * The default six-view rig, after Hunyuan3D-1 and Zero123++: azimuths 0°, 60° … 300° relative to
 * the condition view, elevations alternating +20° / −10°, 30° field of view at distance 3. A
 * unit-box object's half-extent 0.5 then spans 62 % of the half-frame, leaving room for perspective
 * (near parts look larger) in every view; only the very corners of a full unit cube, seen
 * diagonally, reach the frame's edge.
 */
export const DEFAULT_RIG: ViewRig = Object.freeze({
  views: [0, 60, 120, 180, 240, 300].map((azimuth, i) => ({
    azimuth,
    elevation: i % 2 === 0 ? 20 : -10,
    distance: 3,
    fov: 30,
  })),
});

/** The first thing wrong with a rig: the view's index and field (when it is one view's), and why. */
export interface RigProblem {
  /** Where, as a path: `views.0.elevation` (`rig` for the whole). */
  at: string;
  view?: number;
  field?: string;
  message: string;
}

/**
 * Checks a rig against {@link ViewRigSchema}'s limits without throwing, so each caller can name the
 * field its own way (the CLI's flags, the API's form fields); undefined when the rig is fine.
 */
export function findRigProblem(value: unknown): RigProblem | undefined {
  const result = ViewRigSchema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const [, view, field] = issue.path;
  return { at: issue.path.join('.') || 'rig', view: typeof view === 'number' ? view : undefined, field: field === undefined ? undefined : String(field), message: issue.message };
}

/** Validates an untrusted rig (from a manifest or a request); errors name the offending field. */
export function parseViewRig(value: unknown): ViewRig {
  const problem = findRigProblem(value);
  if (problem) throw new KilnError('INVALID_INPUT', `parseViewRig: ${problem.at}: ${problem.message}`);
  return ViewRigSchema.parse(value);
}

/** The cameras of a rig at a given image size, in rig order. */
export function rigCameras(rig: ViewRig, width: number, height = width): Camera[] {
  return rig.views.map((v: OrbitView) => orbitCamera(v, width, height));
}
