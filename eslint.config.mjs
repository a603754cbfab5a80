// Lint: for now only the regular-expression rules that keep every pattern over user text free of
// super-linear backtracking (the parsers must stay linear-time, see README "Limits"). Other rules are
// off on purpose; broaden them in their own change.
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.tools/**', '.data/**', 'coverage/**', 'tmp/**', 'test-results/**'] },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    // typescript-eslint's plugin is loaded (no rule of it on) so that existing disable comments resolve
    plugins: { regexp, '@typescript-eslint': tseslint.plugin },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    // One clock rule (docs/architecture.md#time): business time from the injected clock, machine time
    // through machineNow()/machineDate() in src/clock.ts — nowhere else reads the wall clock.
    files: ['src/**/*.ts'],
    ignores: ['src/clock.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'Business time: deps.clock.now(); machine time: machineNow() from src/clock.ts (docs/architecture.md#time).' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Business time: deps.clock.now(); machine time: machineDate() from src/clock.ts (docs/architecture.md#time).' },
      ],
    },
  },
  {
    // Small functions (docs/architecture.md#features): a feature's factory lists its parts, each part its own function.
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80 }] },
  },
];
