import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec', '<rootDir>/marbles'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^responses-rx$': '<rootDir>/lib/index.ts',
    '^responses-rx/testing$': '<rootDir>/lib/testing/index.ts',
    '^responses-rx/server$': '<rootDir>/lib/server/index.ts',
    '^responses-rx/terminal$': '<rootDir>/lib/terminal/index.ts',
  },
  testTimeout: 30000,
};

export default config;
