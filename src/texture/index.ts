export * from './bake-texture.js';
export * from './fill-holes.js';
export * from './uv-atlas.js';
export * from './uv-raster.js';
export * from './view-sampler.js';
