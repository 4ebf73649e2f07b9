export * from './reconstruct-from-views.js';
export * from './write-model-files.js';
