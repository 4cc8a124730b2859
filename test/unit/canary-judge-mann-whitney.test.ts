import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { describe, expect, it } from 'vitest';
import type { MinuteMetrics } from '#shared/canary/judge.js';
import { compareShift, MannWhitneyJudge, MannWhitneyJudgeSchema } from '#shared/canary/judges/mann-whitney.js';
import { minuteAt, side } from './canary-judges/minutes.js';

const kayenta = MannWhitneyJudgeSchema.parse({});
const oneToFive = [1, 2, 3, 4, 5];
const elevenToFifteen = [11, 12, 13, 14, 15];

describe('Module: Mann-Whitney shift comparison', () => {
  it('bounds the shift between the smallest and largest differences with five minutes a side at 98 %', () => {
    // Act: the 25 differences run 6…14; k = floor(12.5 − 2.326·√(25·11/12)) = 1
    const result = compareShift(elevenToFifteen, oneToFive, kayenta);

    // Assess: U = 25 of 25, z = 12.5 / √(25·11/12)
    expect(result).toMatchObject({ high: true, estimate: 10, lower: 6, upper: 14, meanRatio: 13 / 3 });
    expect(result.pValue).toBeCloseTo(1 - normalCdf(12.5 / Math.sqrt((25 * 11) / 12), 0, 1), 12);
  });

  it('cannot bound the shift with four minutes a side at 98 %, so it never classifies High', () => {
    // Act
    const result = compareShift([101, 102, 103, 104], [1, 2, 3, 4], kayenta);

    // Assess
    expect(result.lower).toBe(Number.NEGATIVE_INFINITY);
    expect(result.upper).toBe(Number.POSITIVE_INFINITY);
    expect(result.estimate).toBe(100);
    expect(result.high).toBe(false);
  });

  it('takes the mean of the two middle differences when their count is even', () => {
    expect(compareShift([1, 2], [0], kayenta).estimate).toBe(1.5);
    expect(compareShift([1, 4], [0, 1], kayenta).estimate).toBe(2);
  });

  it('counts ties as half a win and shrinks the variance for them', () => {
    // Prepare: U = 4 wins + 4 ties / 2 = 6; two ties of three in the pooled six: variance 9/12 · (7 − 48/30) = 4.05
    const canary = [1, 2, 2];
    const stable = [1, 1, 2];

    // Act
    const result = compareShift(canary, stable, kayenta);

    // Assess
    expect(result.estimate).toBe(0);
    expect(result.pValue).toBeCloseTo(1 - normalCdf(1.5 / Math.sqrt(4.05), 0, 1), 12);
    expect(result.pValue).toBeCloseTo(0.228, 3);
  });

  it('gives a p-value of one half and no High when every value on both sides is the same', () => {
    // Act
    const result = compareShift([3, 3, 3, 3, 3], [3, 3, 3, 3, 3], { ...kayenta, tolerance: 0 });

    // Assess
    expect(result).toMatchObject({ high: false, estimate: 0, pValue: 0.5, meanRatio: 1 });
  });

  it('takes a mean ratio of 1 against a stable side averaging zero', () => {
    expect(compareShift([1, 2, 3, 4], [0, 0, 0, 0], kayenta).meanRatio).toBe(1);
    expect(compareShift([2, 2], [1, 1], kayenta).meanRatio).toBe(2);
  });

  it('needs the interval to clear the tolerated fraction of the shift strictly', () => {
    // Prepare: lower 6, estimate 10
    const at = { ...kayenta, tolerance: 0.6 };
    const below = { ...kayenta, tolerance: 0.59 };

    // Act, Assess
    expect(compareShift(elevenToFifteen, oneToFive, at).high).toBe(false);
    expect(compareShift(elevenToFifteen, oneToFive, below).high).toBe(true);
  });

  it('needs the mean ratio to reach the effect size, and reaching it is enough', () => {
    // Prepare: mean ratio 13/3
    const reached = { ...kayenta, effectSizeThreshold: 13 / 3 };
    const missed = { ...kayenta, effectSizeThreshold: 4.34 };

    // Act, Assess
    expect(compareShift(elevenToFifteen, oneToFive, reached).high).toBe(true);
    expect(compareShift(elevenToFifteen, oneToFive, missed).high).toBe(false);
  });

  it('never classifies a canary lower than stable as High', () => {
    expect(compareShift(oneToFive, elevenToFifteen, kayenta)).toMatchObject({ high: false, estimate: -10 });
  });

  it('widens the interval as the confidence rises', () => {
    // Act
    const loose = compareShift([...elevenToFifteen, 16, 17, 18], [...oneToFive, 6, 7, 8], {
      ...kayenta,
      confidence: 0.6,
    });
    const strict = compareShift([...elevenToFifteen, 16, 17, 18], [...oneToFive, 6, 7, 8], kayenta);

    // Assess
    expect(loose.lower).toBeGreaterThan(strict.lower);
    expect(loose.upper).toBeLessThan(strict.upper);
  });
});

describe('Module: Mann-Whitney judge', () => {
  const judge = new MannWhitneyJudge();
  const input = (canary: MinuteMetrics[], stable: MinuteMetrics[], stepStartedAt = minuteAt(0)) => ({
    canary,
    stable,
    stepStartedAt,
    now: minuteAt(Math.max(canary.length, stable.length)),
  });

  it('holds until both sides have the minimum of minutes with requests in the step, counting no idle minute', () => {
    // Prepare
    const stable = side(5, { requests: 900, errors: 1, latencySeconds: 0.1 });
    const canary = [
      ...side(2, { requests: 100, errors: 0, latencySeconds: 0.1 }),
      ...side(3, { requests: 0, errors: 0 }, 2),
    ];

    // Act
    const verdict = judge.judge(input(canary, stable));

    // Assess
    expect(verdict).toMatchObject({
      outcome: 'inconclusive',
      reason: '2 canary and 5 stable minutes with data in this step, 3 needed',
      evidence: { canaryMinutes: 2, stableMinutes: 5 },
    });
  });

  it('judges at exactly the minimum of minutes, and the minimum is a setting', () => {
    // Prepare
    const same = side(3, { requests: 100, errors: 1, latencySeconds: 0.1 });

    // Act
    const atMinimum = judge.judge(input(same, same));
    const wantsFour = new MannWhitneyJudge({ minMinutes: 4 }).judge(input(same, same));

    // Assess
    expect(atMinimum.outcome).toBe('pass');
    expect(atMinimum.evidence).toHaveProperty('errorRatePValue');
    expect(atMinimum.evidence).toHaveProperty('latencyPValue');
    expect(wantsFour.outcome).toBe('inconclusive');
  });

  it('looks only at the minutes of the current step', () => {
    // Prepare: bad canary minutes before the step, like-for-like minutes in it
    const bad = side(5, { requests: 100, errors: 50, latencySeconds: 2 });
    const good = side(5, { requests: 100, errors: 1, latencySeconds: 0.1 }, 5);
    const stable = side(10, { requests: 100, errors: 1, latencySeconds: 0.1 });

    // Act
    const verdict = judge.judge(input([...bad, ...good], stable, minuteAt(5)));

    // Assess
    expect(verdict.outcome).toBe('pass');
    expect(verdict.evidence).toMatchObject({ canaryMinutes: 5, stableMinutes: 5 });
  });

  it('fails on response time alone, names the metric, and gives its numbers', () => {
    // Prepare
    const canary = oneToFive.map((i) => ({
      at: minuteAt(i - 1),
      requests: 100,
      errors: 1,
      latencySeconds: 1 + i / 10,
    }));
    const stable = oneToFive.map((i) => ({ at: minuteAt(i - 1), requests: 100, errors: 1, latencySeconds: i / 10 }));

    // Act
    const verdict = judge.judge(input(canary, stable));

    // Assess
    expect(verdict).toMatchObject({ outcome: 'fail', reason: 'latency classified High by Mann-Whitney at 0.98' });
    expect(verdict.evidence).toMatchObject({
      latencyShift: 1,
      latencyShiftLower: 0.6,
      latencyMeanRatio: 4.33,
      errorRateShift: 0,
      errorRateMeanRatio: 1,
    });
  });

  it('names both metrics when both are High', () => {
    // Prepare
    const canary = oneToFive.map((i) => ({
      at: minuteAt(i - 1),
      requests: 100,
      errors: 10 + i,
      latencySeconds: 1 + i / 10,
    }));
    const stable = oneToFive.map((i) => ({ at: minuteAt(i - 1), requests: 100, errors: i, latencySeconds: i / 10 }));

    // Act
    const verdict = judge.judge(input(canary, stable));

    // Assess
    expect(verdict.reason).toBe('errorRate and latency classified High by Mann-Whitney at 0.98');
  });

  it('leaves a metric out when a side has too few minutes with it, and passes on the others', () => {
    // Prepare: no response times on the canary side
    const canary = side(5, { requests: 100, errors: 1 });
    const stable = side(5, { requests: 100, errors: 1, latencySeconds: 0.1 });

    // Act
    const verdict = judge.judge(input(canary, stable));

    // Assess
    expect(verdict).toMatchObject({ outcome: 'pass', reason: 'every metric classified Pass' });
    expect(verdict.evidence).toHaveProperty('errorRatePValue');
    expect(verdict.evidence).not.toHaveProperty('latencyPValue');
  });

  it('refuses a minimum below two minutes and a confidence of one', () => {
    expect(() => new MannWhitneyJudge({ minMinutes: 1 })).toThrow();
    expect(() => new MannWhitneyJudge({ confidence: 1 })).toThrow();
  });
});
