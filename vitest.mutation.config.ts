import { defineConfig } from 'vitest/config';

// The suite mutation testing runs for every mutant: the unit tests only, which need no moto server and take seconds.
// Properties keep the suite's case counts (FUZZ_RUNS, when set, replaces them all, as in the unit project).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/support/fuzz-setup.ts'],
    testTimeout: 20_000,
  },
});
