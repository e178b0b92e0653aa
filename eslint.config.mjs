// ESLint (flat config) with typescript-eslint's recommended rules; formatting is Prettier's job (eslint-config-prettier
// turns off the rules that would disagree with it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'temp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      // Terminal output is checked and cleaned with ANSI escape patterns on purpose.
      'no-control-regex': 'off',
      // A variable assigned once but read earlier by a closure (a subscription its own callbacks end) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['rxjs/internal/*'], message: 'Use public rxjs APIs.' }] },
      ],
    },
  },
  {
    // Node scripts (scripts/, bin/, the example's servers) are CommonJS.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The browser example's page script is an ES module that runs in the page.
    files: ['examples/browser/app.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  {
    // The benchmark loads each competitor lazily, inside the process that measures it.
    files: ['bench/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
