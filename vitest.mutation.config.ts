import { defineConfig } from 'vitest/config';

// The suite mutation testing runs for every mutant: the unit tests only, which need no moto server and take seconds.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
