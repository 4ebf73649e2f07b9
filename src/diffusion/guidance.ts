import { KilnError } from '../core/errors.js';

/**
 * Time-space adaptive classifier-free guidance. The guided prediction of view v at time t is
 * `uncond + w(t, v) · (cond − uncond)` with `w(t, v) = S_v · g(t)`: `g` follows the denoising time
 * (t = 1 is pure noise, t = 0 clean data, so `t/T` of the papers is `t` here) and `S_v` the view.
 * `w = 1` means the conditional prediction alone (no guidance).
 */
export type GuidancePresetName = 'none' | 'constant' | 'hunyuan-lite' | 'adaptive' | 'interval';

export const GUIDANCE_PRESETS: readonly GuidancePresetName[] = Object.freeze(['none', 'constant', 'hunyuan-lite', 'adaptive', 'interval']);

export interface GuidanceSchedule {
  preset: GuidancePresetName;
  /** `constant`: w = scale for every view and time; `adaptive`: the peak weight (front view, t = 1); `interval`: the weight inside the interval. */
  scale: number;
}

export const GUIDANCE_DEFAULTS: GuidanceSchedule = { preset: 'hunyuan-lite', scale: 3 };

/** Hunyuan3D-1 lite's per-view scales for azimuths 0°, 60° … 300°: strongest at the input view. */
export const HUNYUAN_LITE_VIEW_SCALES: readonly number[] = Object.freeze([3, 2.5, 2, 1.5, 2, 2.5]);

/** Hunyuan3D-1 lite's time factor: (2 + 16·t⁵) / 3, from 2/3 at t = 0 to 6 at t = 1 (strong early). */
export function hunyuanLiteTimeFactor(t: number): number {
  return (2 + 16 * t ** 5) / 3;
}

/**
 * `adaptive`: hunyuan-lite's shape over time and views, rescaled so that its peak (the input view
 * at t = 1) is `scale` instead of 18: w = 1 + (scale − 1) · (S_v / 3) · (g(t) / 6). A small model
 * over-saturates and carves thin parts under lite's large weights, yet still needs guidance early,
 * when the coarse shape is decided; this keeps the schedule and chooses its strength by measurement.
 */
export function adaptiveWeight(scale: number, t: number, slot: number): number {
  return 1 + (scale - 1) * (HUNYUAN_LITE_VIEW_SCALES[slot] / 3) * (hunyuanLiteTimeFactor(t) / 6);
}

/**
 * `interval`: guidance only inside this range of times (w = scale there, 1 outside), after
 * Kynkäänniemi et al. 2024 ("Applying guidance in a limited interval improves sample and
 * distribution quality"; TRELLIS samples this way): at the noisiest steps guidance pushes every
 * sample towards one mode before the condition has shaped it, and at the cleanest it only sharpens
 * noise. Their interval for EDM2, σ ∈ (0.28, 5.42], is t = σ / (1 + σ) ∈ (0.22, 0.84] on this
 * flow's path x_t = (1 − t) x₀ + t ε.
 */
export const GUIDANCE_INTERVAL: readonly [number, number] = Object.freeze([0.22, 0.84]) as readonly [number, number];

/**
 * The guidance weight for view `view` (index into the rig) at time `t` ∈ [0, 1]. For rigs other
 * than six views, `hunyuan-lite` and `adaptive` read the scale of the nearest of its six azimuth slots.
 */
export function guidanceWeight(schedule: Partial<GuidanceSchedule>, t: number, view: number, viewCount = 6): number {
  const s = { ...GUIDANCE_DEFAULTS, ...schedule };
  if (!(t >= 0 && t <= 1)) throw new KilnError('INVALID_INPUT', `guidanceWeight: t must be in [0, 1], got ${t}`);
  switch (s.preset) {
    case 'none':
      return 1;
    case 'constant':
      if (!(s.scale >= 0 && Number.isFinite(s.scale))) throw new KilnError('INVALID_INPUT', `guidanceWeight: scale must be ≥ 0, got ${s.scale}`);
      return s.scale;
    case 'hunyuan-lite': {
      const slot = Math.round((view / viewCount) * 6) % 6;
      return HUNYUAN_LITE_VIEW_SCALES[slot] * hunyuanLiteTimeFactor(t);
    }
    case 'adaptive': {
      if (!(s.scale >= 0 && Number.isFinite(s.scale))) throw new KilnError('INVALID_INPUT', `guidanceWeight: scale must be ≥ 0, got ${s.scale}`);
      return adaptiveWeight(s.scale, t, Math.round((view / viewCount) * 6) % 6);
    }
    case 'interval': {
      if (!(s.scale >= 0 && Number.isFinite(s.scale))) throw new KilnError('INVALID_INPUT', `guidanceWeight: scale must be ≥ 0, got ${s.scale}`);
      return t > GUIDANCE_INTERVAL[0] && t <= GUIDANCE_INTERVAL[1] ? s.scale : 1;
    }
    default:
      throw new KilnError('INVALID_INPUT', `guidanceWeight: unknown preset '${String(s.preset)}' (${GUIDANCE_PRESETS.join(', ')})`);
  }
}
