import { z } from 'zod';
import type { GenerationResult } from './generation.js';

/**
 * The photos' silhouette check (views → 3D): per-view IoU between the photo's alpha and the model
 * re-projected at the photo's camera, the threshold, the views below it, and the warning kept when
 * the run went on anyway. A schema, because the server's job records carry it too.
 */
export const ViewAgreementSchema = z.object({
  threshold: z.number(),
  minIoU: z.number(),
  views: z.array(z.object({ name: z.string(), azimuth: z.number(), elevation: z.number(), iou: z.number() })),
  disagreeing: z.array(z.number().int()).describe('indices of the views below the threshold'),
  warning: z.string().optional(),
});
export type ViewAgreement = z.infer<typeof ViewAgreementSchema>;

/**
 * How far the cut-out of the input photo is trusted (image → 3D, when kiln cut it: the border-colour
 * model, the box's graph cut or the segmentation network; a supplied alpha has none): the method, its measures, the reasons to
 * doubt it, and the warning kept when a doubtful cut went on because the run was forced. A schema,
 * because the server's job records carry it too.
 */
export const CutReportSchema = z.object({
  method: z.enum(['border', 'box', 'network']),
  measures: z
    .object({
      coverage: z.number(),
      pieces: z.number(),
      thickness: z.number(),
      sides: z.array(z.number()),
      separation: z.number(),
      unsettled: z.number().optional(),
      agreement: z.number().optional(),
      clutter: z.number().optional(),
      leftOut: z.number().optional(),
    })
    .describe('see assessCut: coverage of the frame, second piece over the largest, thickness, share of each frame side (top, right, bottom, left) run along, the method’s separation (colour, or the network’s certainty), and for a network-seeded box cut its agreement with colour alone'),
  doubts: z.array(z.string()).describe('why the cut is doubtful, one sentence each; empty when it is trusted'),
  warning: z.string().optional(),
});
export type CutReport = z.infer<typeof CutReportSchema>;

/**
 * `report.json`: what a generation was asked, what it made and what it cost. Written last into the
 * output folder (a reader that sees it sees every file it lists); the CLI prints it with `--json`
 * and the server keeps its timings, files and mesh counts on the job.
 */
export interface GenerationReport {
  /** The caller's own fields: the command (`image`, `text`, `views`), the input path, the job id… */
  command?: string;
  input?: string;
  job?: string;
  /** The worker that ran the job (Redis mode: host:pid). */
  worker?: string;
  prompt?: string;
  seed?: number;
  /** The options the generation ran with, every default filled in. */
  options: GenerationResult['options'];
  model?: GenerationResult['model'];
  /** Text → 3D through a text → image model: which one drew the condition image. */
  textToImageModel?: GenerationResult['textToImageModel'];
  /** How the input photo was matted (image → 3D). */
  matte?: string;
  /** How far that matte is trusted, and a forced run's warning (image → 3D, when kiln cut it). */
  cutout?: CutReport;
  /** Views → 3D: the same for each photo kiln cut out (those without alpha), by name. */
  cutouts?: GenerationResult['cutouts'];
  reference?: GenerationResult['reference'];
  /** Views → 3D: each photo's silhouette IoU against the model at its angles, and a forced run's warning. */
  viewAgreement?: ViewAgreement;
  /** Seconds per stage, with `total`. */
  timings: Record<string, number>;
  peakRssMB: number;
  mesh: { vertices: number; faces: number; textured: boolean };
  /** The files in the output folder, `report.json` included. */
  files: string[];
}

/** The fields a caller adds to a report. */
export type ReportFields = Pick<GenerationReport, 'command' | 'input' | 'job'> & Record<string, unknown>;

/** Builds the report of `result` whose output folder holds `files` (without `report.json`). */
export function generationReport(result: GenerationResult, files: string[], timings: Record<string, number>, fields: ReportFields): GenerationReport {
  const usage = process.resourceUsage();
  return {
    ...fields,
    prompt: result.prompt,
    seed: result.seed,
    options: result.options,
    model: result.model,
    textToImageModel: result.textToImageModel,
    matte: result.input?.matte,
    cutout: result.input?.cut,
    cutouts: result.cutouts,
    reference: result.reference,
    viewAgreement: result.viewAgreement,
    timings: { ...timings, total: Math.round(Object.values(timings).reduce((a, b) => a + b, 0) * 1000) / 1000 },
    peakRssMB: Math.round(usage.maxRSS / 1024),
    mesh: { vertices: result.mesh.positions.length / 3, faces: result.mesh.indices.length / 3, textured: !!result.mesh.material?.baseColorTexture },
    files: [...files, 'report.json'],
  };
}
