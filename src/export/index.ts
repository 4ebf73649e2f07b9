export * from './gltf-document.js';
export * from './validate-glb.js';
export * from './write-glb.js';
export * from './write-obj-stl.js';
export * from './formats.js';
export * from './write-model-files.js';
