export * from './crop-to-object.js';
export * from './remove-background.js';
export * from './preprocess-image.js';
export * from './shrink-image.js';
export * from './max-flow.js';
export * from './gaussian-mixture.js';
export * from './grab-cut.js';
