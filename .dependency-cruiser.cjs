/**
 * The import rules of docs/architecture.md#import-rules, checked by `npm run lint` (so by `npm test`):
 *   depcruise src --config .dependency-cruiser.cjs --ignore-known
 * Known violations (.dependency-cruiser-known-violations.json) are the app's imports of the adapters
 * that the refactor of issue 12 is still removing; the file only shrinks (regenerate it with
 * `npm run lint:baseline` after removing some, never to admit a new one).
 * Type-only imports count: `import type { X } from 'mongoose'` ties the app to mongoose as much as a value.
 */
const INNER = '^src/(app|features)/';
const OUTER_NPM = '^(koa|@koa/[^/]+|mongoose|mongodb|bson|@larksuiteoapi/[^/]+)$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles (type-only imports included).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain imports nothing outside src/domain: no package, no node built-in, no other folder of src.',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^src/limits\\.ts$'] },
    },
    {
      name: 'limits-is-pure',
      severity: 'error',
      comment: 'src/limits.ts, the one table of input limits, is read by every layer (the domain too), so it imports nothing.',
      from: { path: '^src/limits\\.ts$' },
      to: {},
    },
    {
      name: 'app-not-to-outer-layers',
      severity: 'error',
      comment:
        'The app (and features) talk to ports: never the adapters, the HTTP layer, the job runner and jobs, ' +
        'the sandbox, main.ts, nor koa, mongoose/mongodb or the Feishu SDK.',
      from: { path: INNER },
      to: {
        path: [
          '^src/(adapters|http|jobs|sandbox)/',
          '^src/main\\.ts$',
          // npm packages, resolved or not (a type-only import of a package without types)
          '(^|/)node_modules/(koa|@koa/[^/]+|mongoose|mongodb|bson|@larksuiteoapi/[^/]+)/',
          OUTER_NPM,
        ],
      },
    },
    {
      name: 'mongoose-only-in-mongo-adapter',
      severity: 'error',
      comment: 'Only src/adapters/mongo imports mongoose or the mongodb driver.',
      from: { path: '^src/', pathNot: '^src/adapters/mongo/' },
      to: { path: ['(^|/)node_modules/(mongoose|mongodb|bson)/', '^(mongoose|mongodb|bson)$'] },
    },
    {
      name: 'src-not-to-test-or-scripts',
      severity: 'error',
      comment: 'Product code never imports the tests, the scripts or the benchmarks (they import it).',
      from: { path: '^src/' },
      to: { path: '^(test|scripts|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every relative import resolves.',
      from: { path: '^src/' },
      to: { couldNotResolve: true, path: '^\\.' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
