/**
 * Mutation testing of shared/ against the unit tests: `npm run test:mutation`, or one file at a time with
 * `npm run test:mutation -- --mutate shared/executor/guardrails.ts`. Incremental: a run re-tests only the mutants
 * whose code or tests changed since the last one (reports/stryker-incremental.json), so it fits an edit loop.
 * With MUTATION_SCOPE=<name>, a scope keeps its own report and incremental file, read with the others by
 * `npm run test:mutation:summary`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const scope = process.env.MUTATION_SCOPE;

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: ['shared/**/*.ts', '!shared/**/*.d.ts'],
  ignorePatterns: ['.venv', 'coverage', 'reports', '.serverless', '.esbuild', '.moto'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: scope ? `reports/incremental/unit-${scope}.json` : 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scope ?? 'mutation'}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope ?? 'mutation'}.json` },
  concurrency: 2,
  timeoutMS: 10_000,
  thresholds: { high: 90, low: 80, break: null },
  cleanTempDir: 'always',
};
