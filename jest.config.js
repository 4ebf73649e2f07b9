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
  // The default for a test that gives none. Whole-pipeline tests take up to a minute on the faster
  // of the 2-core machines kiln is tested on and two to three times that on the slower one (measured:
  // the cut-confidence and API tests passed in under 60 s on one and timed out at 60 s on the other).
  // A timeout should catch a hung test, not a slow machine.
  testTimeout: 240000,
  reporters: ['default', '<rootDir>/test/environment/summary-reporter.js'],
};
