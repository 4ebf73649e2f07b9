export * from './crop-to-object.js';
export * from './remove-background.js';
export * from './preprocess-image.js';
