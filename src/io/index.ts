export * from './load-gltf.js';
export * from './load-mesh.js';
export * from './load-obj.js';
export * from './load-off.js';
export * from './load-three.js';
export * from './merge-parts.js';
export * from './gltf-io.js';
export * from './sh3f/index.js';
