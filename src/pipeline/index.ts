export * from './reconstruct-from-views.js';
