import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureFolders = ['src/mjr', 'src/rtp', 'src/codec', 'src/shared', 'src/compose', 'src/mux', 'src/hls', 'src/sessions', 'src/inspect', 'src/convert', 'src/http'];

export default tseslint.config(
  { ignores: ['dist/', 'dist-check/', 'node_modules/', 'coverage/', 'web/dist/', 'bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      curly: ['error', 'all'],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Pure core: no file system, processes or network. Only ffmpeg/, store/, server/ and cli/ touch the world.
    files: pureFolders.map((folder) => `${folder}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:fs', 'node:fs/promises', 'node:child_process', 'node:net', 'node:http', 'fs', 'child_process'],
          patterns: ['**/cli/**', '**/server/**', '**/ffmpeg/**', '**/store/**'],
        },
      ],
    },
  },
);
