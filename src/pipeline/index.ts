export * from './reconstruct-from-views.js';
export * from './write-model-files.js';
export * from './generation.js';
export * from './generate-from-condition.js';
export * from './image-to-3d.js';
export * from './text-to-3d.js';
export * from './write-outputs.js';
