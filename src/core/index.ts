export * from './errors.js';
export * from './fs.js';
export * from './image.js';
export * from './logger.js';
export * from './progress.js';
export * from './rng.js';
export * from './srgb.js';
export * from './package-root.js';
