import { afterEach, describe, expect, it, vi } from 'vitest';
import { fuzzRuns, fuzzTimeout } from '#test/support/fuzz-runs.js';

describe('FUZZ_RUNS', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('keeps each property at its suite default when unset', () => {
    vi.stubEnv('FUZZ_RUNS', '');
    expect(fuzzRuns(40)).toBe(40);
    expect(fuzzTimeout(40, 20_000)).toBe(20_000);
  });

  it('gives a longer run proportionally more time, and a shorter one no less', () => {
    vi.stubEnv('FUZZ_RUNS', '2000');
    expect(fuzzRuns(40)).toBe(2000);
    expect(fuzzTimeout(40, 20_000)).toBe(1_000_000);
    vi.stubEnv('FUZZ_RUNS', '20');
    expect(fuzzTimeout(40, 20_000)).toBe(20_000);
  });
});
