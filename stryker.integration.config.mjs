import { resolve } from 'node:path';
import base from './stryker.config.mjs';

// Each scope keeps its own report and incremental file (MUTATION_SCOPE=state …), read with the others by the summary.
const scope = process.env.MUTATION_SCOPE ?? 'all';

/**
 * Mutation testing of the modules that only the integration tests reach (DynamoDB, SQS and SNS against moto):
 * `MUTATION_SCOPE=state npm run test:mutation:integration -- --mutate 'shared/state/**\/*.ts' --testFiles <files>`.
 * Name the test files that assert the module (unit and integration): without them, vitest's related files are nearly
 * the whole integration suite (the replay support imports every handler), an hour of dry run. Each Stryker worker starts one moto server through the
 * integration globalSetup and stops it when the worker ends; perTest coverage runs each mutant against only the tests
 * that reach it. Its own incremental file and reports, so unit and integration runs never overwrite each other.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-integration.config.ts', related: true },
  // The modules no unit test reaches; `--mutate` narrows the run (a comma-separated list: no braces on the CLI).
  mutate: [
    'shared/state/**/*.ts',
    'shared/reconciler/*.ts',
    '!shared/reconciler/plan.ts',
    'shared/service-events/react.ts',
    'shared/notify/deliver.ts',
    'shared/notify/grouping/{durable,flush,queues,route,wiring}.ts',
  ],
  incrementalFile: `reports/incremental/integration-${scope}.json`,
  htmlReporter: { fileName: `reports/mutation-integration/${scope}.html` },
  jsonReporter: { fileName: `reports/mutation-integration/${scope}.json` },
  concurrency: 1,
  // A mutant that breaks a DynamoDB condition can leave a test waiting on a lease: give each run room beyond its tests.
  timeoutMS: 30_000,
  // The dry run takes every integration test that reaches the mutated files: minutes, not seconds.
  dryRunTimeoutMinutes: 30,
};

// The sandbox Stryker copies the repository into leaves .venv out: point moto-server.ts at the real one.
process.env.MOTO_SERVER_BIN ??= resolve('.venv/bin/moto_server');
