/** Unit, integration and e2e tests: CommonJS ts-jest against the TypeScript sources. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/compat/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^aspose-cloud-auth$': '<rootDir>/src/index.ts',
    '^aspose-cloud-auth/(.*)$': '<rootDir>/src/$1/index.ts',
  },
  testTimeout: 30000,
};
