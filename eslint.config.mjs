// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The Node globals our plain-JS scripts use. (TypeScript files are checked by
// tsc, so no-undef is off for them, as typescript-eslint recommends.)
const nodeGlobals = Object.fromEntries(
  [
    'process', 'console', 'performance', 'Buffer', 'URL', 'URLSearchParams', 'AbortController',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask',
    'structuredClone', 'fetch', 'TextEncoder', 'TextDecoder',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  globalIgnores([
    'dist/',
    'node_modules/',
    'release/',
    'test-results/',
    'test-output/',
    'bench-results/',
    'playwright-report/',
    'src-main/sim/reference/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Test doubles and fixtures (the simulator, tests) handle raw server JSON:
    // `any` and leftover imports there are reported, but do not fail the lint.
    // Product code (the rest of src-main, src-renderer) keeps them as errors.
    files: ['src-main/sim/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'warn',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Only the Electron glue may import electron at run time (DESIGN.md, Architecture).
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/main.ts', 'src-main/preload.ts', 'src-main/ipc/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only main.ts, preload.ts and src-main/ipc/ import electron; use `import type` elsewhere.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer runs in the sandbox: no Node built-ins, no electron.
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The renderer has no Node.js; ask the main process through the bridge.' },
            { group: ['electron'], message: 'The renderer talks to main only through window.stackMigrator.' },
          ],
        },
      ],
    },
  },
);
