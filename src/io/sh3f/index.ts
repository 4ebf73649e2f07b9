export * from './parse-properties.js';
export * from './read-catalog.js';
export * from './load-catalog-model.js';
