import { describe, expect, it } from 'vitest';
import { type BundleRow, bundleTable, overFloorSplit, quantile } from '#bench/bundle.js';

const bundle = (bytes: number) => ({ file: '/nowhere.mjs', bytes, code: new Uint8Array(16) });

function row(overrides: Partial<BundleRow>): BundleRow {
  return {
    name: 'fn',
    bundled: bundle(400 * 1024),
    floor: bundle(380 * 1024),
    bundledMs: 110,
    floorMs: 100,
    pairedRatios: { low: 1.05, median: 1.1, high: 1.15 },
    unusedClients: [],
    packagingOnly: [],
    overFloorByOrigin: [],
    ...overrides,
  };
}

describe('the bundle bench verdict', () => {
  it('judges cold import on the median of the paired ratios, not on the ratio of two medians taken apart', () => {
    // A busy moment hit the function's median alone: 128 ms against 100, while each pair ran about 1.1× apart.
    const noisy = row({ bundledMs: 128, floorMs: 100, pairedRatios: { low: 1.03, median: 1.1, high: 1.2 } });
    const { lines, missed } = bundleTable([noisy]);
    expect(missed).toEqual([]);
    expect(lines[2]).toContain('| 1.28× | 1.10× (1.03–1.20×) |');
  });

  it('misses the target when the paired median is over 1.2×, whatever the medians say', () => {
    const slow = row({ bundledMs: 100, floorMs: 100, pairedRatios: { low: 1.15, median: 1.21, high: 1.3 } });
    expect(bundleTable([slow]).missed).toEqual([
      'fn: cold import 1.21× the floor, median of paired runs (target 1.2×)',
    ]);
  });

  it('misses the size target just past 50 KiB over the floor and not at it', () => {
    const at = row({ bundled: bundle(430 * 1024), floor: bundle(380 * 1024) });
    const past = row({ bundled: bundle(430 * 1024 + 1), floor: bundle(380 * 1024) });
    expect(bundleTable([at]).missed).toEqual([]);
    expect(bundleTable([past]).missed).toEqual(['fn: 50 KiB over the floor (target 50 KiB)']);
  });
});

describe('what a function holds over its floor', () => {
  it('counts npm packages, scoped or not, as libraries and our folders as ours', () => {
    const split = overFloorSplit({
      overFloorByOrigin: [
        ['shared/tasks', 3000],
        ['@aws-lambda-powertools/logger', 1000],
        ['valibot', 500],
        ['functions/notifier', 700],
      ],
    });
    expect(split).toEqual({ ours: 3700, libraries: 1500 });
  });
});

describe('the quantiles of a run', () => {
  it('takes the mean of the middle two as the median of an even count, and interpolates the quartiles', () => {
    expect(quantile([1.3, 1.0, 1.1, 1.2], 0.5)).toBeCloseTo(1.15, 12);
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
