// Two projects: unit tests beside the code, end-to-end suites in test/ that run
// against the real Postgres, Redis and aws-local started by the global setup.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

/** Packages that ship only ES modules and that the api loads (openid-client and what it imports). */
const ESM_ONLY = ['openid-client', 'oauth4webapi', 'jose'];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // ESM-only packages of the OpenID Connect client, turned into CommonJS for Jest (see README, development notes).
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: '<rootDir>/test/support/esm-transform.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper: {
    // The generated Prisma client imports its siblings as ./x.js.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    ...pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  },
  // Each file's AsyncLocalStorage instances are released when the next starts (see test/support/async-context.ts).
  setupFiles: ['reflect-metadata', '<rootDir>/test/support/async-context.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.labkeys/'],
};

/**
 * End-to-end files that load the machine by themselves (hundreds of sessions, several processes, streams of a
 * whole class) or measure a pace: the test command runs them one at a time after the others, which run two at a
 * time. LABKEYS_JEST_FILES=shared runs all but these, =alone only these; unset, everything.
 */
const ALONE = [
  'test/ops/scale-out',
  'test/revocation/revocation-budget',
  'test/issuance/lab-start',
  'test/issuance/pacing',
  'test/issuance/faults',
  'test/faults/worker-shutdown',
  'test/api/bad-input-corpus',
  'test/repair/flushall',
];
const files = process.env.LABKEYS_JEST_FILES;
const alonePattern = `<rootDir>/(${ALONE.join('|')})`;

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/aws-local/', ...(files === 'shared' ? [alonePattern] : [])],
      ...(files === 'alone' ? { testMatch: ALONE.map((path) => `<rootDir>/${path}*.e2e-spec.ts`) } : {}),
      setupFiles: [...shared.setupFiles, '<rootDir>/test/support/file-isolation.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
    {
      // aws-local suites start their own in-process local AWS; no Postgres or Redis.
      ...shared,
      displayName: 'aws-local',
      testMatch: ['<rootDir>/test/aws-local/**/*.e2e-spec.ts'],
    },
  ],
};
