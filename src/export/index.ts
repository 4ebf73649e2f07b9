export * from './gltf-document.js';
export * from './validate-glb.js';
export * from './write-glb.js';
export * from './write-obj-stl.js';
