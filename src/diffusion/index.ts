export * from './flow-sampler.js';
export * from './guidance.js';
