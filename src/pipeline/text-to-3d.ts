import { KilnError } from '../core/errors.js';
import type { MultiViewModel } from '../diffusion/multiview-model.js';
import { promptVocabulary } from '../synth/prompt-vocabulary.js';
import { requireKnownObject } from '../text/understand-prompt.js';
import { generateFromCondition } from './generate-from-condition.js';
import { pipelineProgress, type GenerationOptions, type GenerationResult } from './generation.js';

/**
 * Text prompt (English or Chinese) → textured mesh: six views from the multi-view model conditioned
 * on the caption alone, then reconstruction and texture. A prompt that names no object the model
 * knows fails at once (`UNKNOWN_WORDS`) with a message naming the words it did not understand.
 */
export async function textTo3D(model: MultiViewModel, prompt: string, options: Partial<GenerationOptions> = {}): Promise<GenerationResult> {
  if (!prompt.trim()) throw new KilnError('INVALID_INPUT', 'textTo3D: the prompt is empty');
  requireKnownObject(prompt, promptVocabulary(model.tokenizer), 'promptVocabulary(model.tokenizer).objects', 'textTo3D');
  const timings: Record<string, number> = {};
  const progress = pipelineProgress(options.onProgress, ['diffusion', 'reconstruct', 'unwrap', 'texture']);
  const result = await generateFromCondition(model, { prompt: prompt.trim() }, options, timings, progress);
  return { ...result, prompt: prompt.trim() };
}
