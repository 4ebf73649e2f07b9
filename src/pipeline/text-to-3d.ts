import type { MultiViewModel } from '../diffusion/multiview-model.js';
import { promptTokens } from '../diffusion/multiview-model.js';
import { generateFromCondition } from './generate-from-condition.js';
import { pipelineProgress, type GenerationOptions, type GenerationResult } from './generation.js';

/**
 * Text prompt (English or Chinese) → textured mesh: six views from the multi-view model conditioned
 * on the caption alone, then reconstruction and texture. An empty prompt, or one whose every word
 * the model has never seen, fails at once with a message that says so.
 */
export async function textTo3D(model: MultiViewModel, prompt: string, options: Partial<GenerationOptions> = {}): Promise<GenerationResult> {
  promptTokens(model.tokenizer, prompt, model.manifest.text.length);
  const timings: Record<string, number> = {};
  const progress = pipelineProgress(options.onProgress, ['diffusion', 'reconstruct', 'unwrap', 'texture']);
  const result = await generateFromCondition(model, { prompt: prompt.trim() }, options, timings, progress);
  return { ...result, prompt: prompt.trim() };
}
