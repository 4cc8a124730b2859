import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Property tests run hundreds of cases: give them room on a busy two-core machine.
          testTimeout: 20_000,
          include: ['test/unit/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/fuzz-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/setup-env.ts'],
          // One moto server serves the whole run and is reset between tests, so files run one at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
