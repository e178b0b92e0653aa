// Jest's configuration. Plain JavaScript: a jest.config.ts makes every `npx jest` start ts-node to read it (about
// 2 s of CPU before the first test).
'use strict';
const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec', '<rootDir>/marbles'],
  testMatch: ['**/*.spec.ts'],
  // Jest's default (cores - 1) runs everything in one process on a 2-core machine, while the specs that wait on a
  // child process (the bin, tsc, npm pack, Chromium) leave a core idle: two workers at least. A worker that kept more
  // than 1 GB after a spec file is replaced (none comes near it today: about 450 MB).
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  workerIdleMemoryLimit: '1GB',
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
