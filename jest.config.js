/** Unit tests run without a database; tests under test/db and test/e2e use the FerretDB that globalSetup starts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  // test/build (a production install in a copy, a minute or more) runs in .ci/run, or with DUDAO_BUILD_TEST=1
  testPathIgnorePatterns: process.env.DUDAO_BUILD_TEST ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/test/build/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
