/**
 * Fault tests (`npm run test:faults`, run by .ci/run after `npm test`): database outages of 30 s and 5
 * minutes during bursts of Feishu events, and two instances with one killed during the 09:00 reminders.
 * Slow by nature (they wait out the outages), one file at a time, against FerretDB (globalSetup starts one
 * if MONGODB_URI is unset).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.faults.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 20 * 60_000,
  maxWorkers: 1,
};
