export * from './crop-to-object.js';
