import fc from 'fast-check';

/**
 * Cases per property: FUZZ_RUNS, when set, replaces every property's own count (higher for a longer run, lower for the
 * mutation run, which re-runs the covering properties for every mutant); otherwise the suite's default.
 */
export const fuzzRuns = (suiteDefault: number): number => {
  const runs = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10);
  return Number.isInteger(runs) && runs > 0 ? runs : suiteDefault;
};

/** Properties that name no count of their own take FUZZ_RUNS too. */
export function configureFuzzRuns(): void {
  fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: fuzzRuns(100) });
}

/**
 * A property test's timeout for its case count: `ms` is what its suite default needs, and a longer FUZZ_RUNS gets
 * proportionally more, so `FUZZ_RUNS=2000` runs the same properties to the end instead of timing out.
 */
export const fuzzTimeout = (suiteDefault: number, ms: number): number =>
  Math.ceil(ms * Math.max(1, fuzzRuns(suiteDefault) / suiteDefault));
