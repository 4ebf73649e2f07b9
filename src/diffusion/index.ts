export * from './flow-sampler.js';
export * from './guidance.js';
export * from './model-manifest.js';
export * from './multiview-model.js';
export * from './view-codec.js';
export * from './generate-views.js';
export * from './prediction.js';
