import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec', '<rootDir>/marbles'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // string-width and its dependencies ship ES modules only: compiled to CommonJS for Jest (Node itself loads them).
    '^.+\\.js$': [
      'ts-jest',
      {
        tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2024', esModuleInterop: true, isolatedModules: true },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(string-width|get-east-asian-width|strip-ansi|ansi-regex)/)'],
  moduleNameMapper: {
    '^responses-rx$': '<rootDir>/lib/index.ts',
    '^responses-rx/testing$': '<rootDir>/lib/testing/index.ts',
    '^responses-rx/server$': '<rootDir>/lib/server/index.ts',
    '^responses-rx/terminal$': '<rootDir>/lib/terminal/index.ts',
    '^responses-rx/serialize$': '<rootDir>/lib/serialize/index.ts',
    '^responses-rx/transcript$': '<rootDir>/lib/transcript/index.ts',
    '^responses-rx/http$': '<rootDir>/lib/http/index.ts',
    '^responses-rx/websocket$': '<rootDir>/lib/http/websocket.ts',
  },
  testTimeout: 30000,
};

export default config;
