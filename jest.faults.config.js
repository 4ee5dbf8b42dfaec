// The fault suite (npm run test:faults → scripts/test.sh faults): randomised runs that break the
// pipeline on purpose (faults/), plus the libraries' own *.faults.spec.ts. One file at a time:
// the runs share the machine's Kafka and the process's embedded ClickHouse engine.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/faults', '<rootDir>/libs', '<rootDir>/services'],
  testMatch: ['**/*.faults.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600_000,
  maxWorkers: 1,
  // Runs of one file going on at once (it.concurrent): they mostly wait on the paced exchange.
  maxConcurrency: 3,
  globalSetup: '<rootDir>/faults/global-setup.js',
  // Concurrent runs must not be the first to require a module (see faults/preload.ts).
  setupFilesAfterEnv: ['<rootDir>/faults/preload.ts'],
  reporters: ['default', '<rootDir>/faults/total-reporter.js'],
};
