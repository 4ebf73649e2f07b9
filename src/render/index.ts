export * from './rasterize.js';
export * from './render-mesh.js';
export * from './render-rig.js';
export * from './sample-texture.js';
export * from './turntable-gif.js';
export * from './render-views.js';
