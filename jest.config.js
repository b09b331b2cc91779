// Jest runs in ESM mode (NestJS 12 is ESM-only): see ../shared/STACK-NOTES.md.
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: ['TS151001'] } },
];
const moduleNameMapper = {
  '^@front-counter/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
  '^content-disposition$': '<rootDir>/test/support/content-disposition.cjs',
};
const common = {
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper,
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  // Generous: integration and browser tests start servers and child processes on a shared 2-core machine.
  testTimeout: 60000,
  // One test file at a time (2 cores, and the browser tests each start a stack and Chromium), but in a
  // worker process that Jest replaces once it holds more than 1.5 GB after a file: in ESM mode every
  // file loads its own copy of Nest, TypeORM and Apollo, and one process running all ~150 files in
  // band grew past Node's 4 GB heap and died (CI, stop 24).
  maxWorkers: 1,
  workerIdleMemoryLimit: '1500MB',
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'structure', testMatch: ['<rootDir>/test/structure/**/*.test.ts'] },
  ],
};
