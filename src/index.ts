/** kiln as a library: every stage's public operations, grouped by folder. */
export * from './core/index.js';
export * from './geometry/index.js';
export * from './io/index.js';
export * from './metrics/index.js';
export * from './render/index.js';
export * from './runtime/index.js';
export * from './export/index.js';
export * from './pipeline/index.js';
export * from './preprocess/index.js';
export * from './reconstruct/index.js';
export * from './texture/index.js';
export * from './synth/index.js';
export * from './text/index.js';
export * from './diffusion/index.js';
