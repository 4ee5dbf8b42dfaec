// One jest run for the whole workspace: specs sit next to the code they test.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = `<rootDir>/${target}`;
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/scripts'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // ESM-only packages required from CommonJS (cookie 2, under fastify's inject; @noble and @scure,
    // under ccxt's CommonJS build): jest on Node 20 cannot require(esm), so swc turns them into CommonJS.
    '/node_modules/(cookie|@noble|@scure)/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/|@noble/|@scure/)'],
  moduleNameMapper,
  testTimeout: 30000,
  // One spec file per core. The specs mostly wait on Kafka, NATS, the engine and child processes:
  // jest's default (cores − 1, so one worker on a 2-core machine) left it idle at load 0.9, and
  // npm test took 445 s there; with two workers 245 s (three: 189 s, but past the cores a busy CI
  // machine turns timing margins into flakes). The fault suite sets its own (jest.faults.config.js).
  maxWorkers: '100%',
  // Fault tests run on their own (npm run test:faults).
  testPathIgnorePatterns: ['/node_modules/', '\\.faults\\.spec\\.ts$'],
};
