export * from './compare-shapes.js';
export * from './icp.js';
export * from './image-metrics.js';
export * from './kd-tree.js';
export * from './rigid-fit.js';
export * from './sample-surface.js';
export * from './surface-distance.js';
export * from './view-metrics.js';
