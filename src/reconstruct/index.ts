export * from './distance-transform.js';
export * from './fuse-views.js';
export * from './marching-cubes.js';
export * from './mesh-cleanup.js';
export * from './reconstruct-geometry.js';
export * from './silhouette-agreement.js';
export * from './support-plane.js';
