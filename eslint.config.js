// Lint rules: typescript-eslint's recommended set over src, workers, test and bench, plus
// eslint-plugin-regexp's rules against super-linear patterns and ambiguous alternations
// (issue: hostile input). The plugin also evaluates `new RegExp` built from constants; the
// grammar is additionally checked by recheck in test/unit/reference/grammar-redos.test.ts.
import js from '@eslint/js';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'coverage/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { regexp },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignoreSticky: false }],
      'regexp/no-dupe-disjunctions': ['error', { report: 'all' }],
      'regexp/no-misleading-capturing-group': 'error',
      'regexp/no-empty-alternative': 'error',
      'regexp/no-useless-quantifier': 'error',
      'regexp/no-control-character': 'error',
    },
  },
);
