/**
 * Jest runs in ESM mode (node --experimental-vm-modules) because meshoptimizer, watlas and
 * manifold-3d ship ESM only. TypeScript is stripped by SWC; type-checking is `tsc` in `npm test`.
 */
export default {
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testEnvironment: '<rootDir>/test/environment/ort-environment.js',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  // Sources import './x.js' (NodeNext resolution); under jest the file is './x.ts'.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/environment/summary-reporter.js'],
};
