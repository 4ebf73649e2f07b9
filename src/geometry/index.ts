export * from './camera.js';
export * from './mat4.js';
export * from './mesh.js';
export * from './normalize.js';
export * from './rig.js';
export * from './primitives.js';
export * from './calibrated-view.js';
export * from './mirrored-pair.js';
