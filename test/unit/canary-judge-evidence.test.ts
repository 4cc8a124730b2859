import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MinuteMetrics } from '#shared/canary/judge.js';
import { errorRatioTest } from '#shared/canary/judges/error-ratio-test.js';
import { latencySignTest, logUpperHalfBeta } from '#shared/canary/judges/latency-sign-test.js';
import {
  FACTOR_CAP,
  factorFromLog,
  firstMinuteFrom,
  forEachPairedMinute,
  logAddExp,
  meanLatency,
  percent,
  significant,
  totals,
} from '#shared/canary/judges/minutes.js';
import { minuteAt, side } from './canary-judges/minutes.js';

const one = (requests: number, errors: number, latencySeconds?: number): MinuteMetrics[] => [
  { at: minuteAt(0), requests, errors, ...(latencySeconds !== undefined ? { latencySeconds } : {}) },
];
const factor = (evidence: { logBayesFactor: number }) => Math.exp(evidence.logBayesFactor);

describe('Module: error-share test', () => {
  // With equal requests and a tolerated ratio of 1, one canary error has likelihood ratio 2r/(r+1) under ratio r:
  // 0.15·10/9 + 0.25·6/5 + 0.25·4/3 + 0.2·3/2 + 0.15·5/3 = 1.35; one stable error 2/(r+1): 0.65.
  it('weighs one canary error and one stable error by the mixture of alternatives', () => {
    expect(factor(errorRatioTest(one(100, 1), one(100, 0), 0))).toBeCloseTo(1.35, 12);
    expect(factor(errorRatioTest(one(100, 0), one(100, 1), 0))).toBeCloseTo(0.65, 12);
  });

  it("conditions on the canary's share of the requests", () => {
    // Prepare: a third of stable's requests; one canary error has likelihood ratio 4r/(r+3)
    const expected = 0.15 * (5 / 4.25) + 0.25 * (6 / 4.5) + 0.25 * (8 / 5) + 0.2 * 2 + 0.15 * 2.5;

    // Act, Assess
    expect(factor(errorRatioTest(one(100, 1), one(300, 0), 0))).toBeCloseTo(expected, 12);
  });

  it('tests against the tolerated ratio, so one canary error weighs less as the tolerance grows', () => {
    // Prepare: tolerance 1, tolerated ratio 2: share under r is 2·m·r… against 2/3
    const shares = [2.5, 3, 4, 6, 10].map((r) => r / (r + 1));
    const weights = [0.15, 0.25, 0.25, 0.2, 0.15];
    const expected = shares.reduce((sum, share, k) => sum + (weights[k] as number) * (share / (2 / 3)), 0);

    // Act, Assess
    expect(factor(errorRatioTest(one(100, 1), one(100, 0), 1))).toBeCloseTo(expected, 12);
    expect(factor(errorRatioTest(one(100, 1), one(100, 0), 1))).toBeLessThan(1.35);
  });

  it('takes evidence only from minutes with requests on both sides and an error, but counts every paired minute', () => {
    // Prepare
    const canary = [
      { at: minuteAt(0), requests: 0, errors: 0 },
      { at: minuteAt(1), requests: 100, errors: 0 },
      { at: minuteAt(2), requests: 100, errors: 1 },
      { at: minuteAt(3), requests: 100, errors: 2 },
    ];
    const stable = [
      { at: minuteAt(0), requests: 100, errors: 5 },
      { at: minuteAt(1), requests: 100, errors: 0 },
      { at: minuteAt(2), requests: 0, errors: 0 },
      { at: minuteAt(3), requests: 100, errors: 0 },
    ];

    // Act
    const evidence = errorRatioTest(canary, stable, 0.1);

    // Assess
    expect(evidence).toMatchObject({
      informativeMinutes: 1,
      canaryRequests: 300,
      canaryErrors: 3,
      stableRequests: 300,
      stableErrors: 5,
    });
    expect(evidence.logBayesFactor).toBeCloseTo(
      errorRatioTest(canary.slice(3), stable.slice(3), 0.1).logBayesFactor,
      12,
    );
  });

  it('has a Bayes factor of 1 before any error', () => {
    // Act
    const evidence = errorRatioTest(side(5, { requests: 100, errors: 0 }), side(5, { requests: 900, errors: 0 }), 0.1);

    // Assess
    expect(evidence.logBayesFactor).toBeCloseTo(0, 12);
    expect(evidence).toMatchObject({ canaryRequests: 500, stableRequests: 4500, informativeMinutes: 0 });
  });

  it('loses evidence for every error the canary does not have', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 1000 }), (stableErrors, requests) => {
        const evidence = errorRatioTest(one(requests, 0), one(requests, stableErrors), 0.1);
        expect(evidence.logBayesFactor).toBeLessThan(0);
      }),
    );
  });
});

describe('Module: response-time sign test', () => {
  it('gives one slower minute a Bayes factor of 3/2 and one minute no slower 1/2', () => {
    // Prepare: ∫½¹ 2p dp / ½ … the beta(1,1) prior on (½, 1): 2·∫½¹ p dp / ½ = 3/2
    const stable = one(100, 0, 0.25);

    // Act
    const slower = latencySignTest(one(100, 0, 0.51), stable, 1);
    const atTolerance = latencySignTest(one(100, 0, 0.5), stable, 1);

    // Assess
    expect(factor(slower)).toBeCloseTo(1.5, 12);
    expect(slower).toMatchObject({ slowerMinutes: 1, comparedMinutes: 1 });
    expect(factor(atTolerance)).toBeCloseTo(0.5, 12);
    expect(atTolerance).toMatchObject({ slowerMinutes: 0, comparedMinutes: 1 });
  });

  it('compares no minute in which either side had no requests', () => {
    // Act
    const idleCanary = latencySignTest(one(0, 0, 9), one(100, 0, 0.1), 0.2);
    const idleStable = latencySignTest(one(100, 0, 9), one(0, 0, 0.1), 0.2);

    // Assess
    expect(idleCanary).toEqual({ logBayesFactor: 0, slowerMinutes: 0, comparedMinutes: 0 });
    expect(idleStable).toEqual({ logBayesFactor: 0, slowerMinutes: 0, comparedMinutes: 0 });
  });

  it('compares no minute in which either side has no response time', () => {
    // Act
    const untimedCanary = latencySignTest(one(100, 0), one(100, 0, 0.1), 0.2);
    const untimedStable = latencySignTest(one(100, 0, 9), one(100, 0), 0.2);

    // Assess
    expect(untimedCanary.comparedMinutes).toBe(0);
    expect(untimedStable.comparedMinutes).toBe(0);
  });

  it('stays exact over a day of minutes that are all slower: 2^1441 / 1441', () => {
    // Prepare: ∫½¹ p^1440 dp = (1 − 2^−1441) / 1441, against ½ per minute
    const canary = side(1440, { requests: 100, errors: 0, latencySeconds: 1 });
    const stable = side(1440, { requests: 100, errors: 0, latencySeconds: 0.1 });

    // Act
    const evidence = latencySignTest(canary, stable, 0.2);

    // Assess
    expect(evidence.logBayesFactor).toBeCloseTo(1441 * Math.LN2 - Math.log(1441), 6);
  });

  it('integrates the upper half of the beta function exactly: ∫½¹ p²(1−p) dp = 11/192', () => {
    expect(Math.exp(logUpperHalfBeta(3, 2))).toBeCloseTo(11 / 192, 14);
    expect(Math.exp(logUpperHalfBeta(1, 1))).toBeCloseTo(0.5, 14);
    expect(Math.exp(logUpperHalfBeta(1, 3))).toBeCloseTo(1 / 24, 14);
  });
});

describe('Module: judge minutes', () => {
  const minutes = [
    { at: minuteAt(0), requests: 10, errors: 1, latencySeconds: 0.3 },
    { at: minuteAt(1), requests: 30, errors: 2, latencySeconds: 0.1 },
    { at: minuteAt(2), requests: 0, errors: 0, latencySeconds: 5 },
    { at: minuteAt(3), requests: 20, errors: 0 },
  ];

  it('finds the first minute at or after a time', () => {
    expect(firstMinuteFrom(minutes, minuteAt(1))).toBe(1);
    expect(firstMinuteFrom(minutes, '2026-11-24T12:01:30.000Z')).toBe(2);
    expect(firstMinuteFrom(minutes, minuteAt(-5))).toBe(0);
    expect(firstMinuteFrom(minutes, minuteAt(9))).toBe(4);
    expect(firstMinuteFrom([], minuteAt(0))).toBe(0);
  });

  it('sums requests and errors from a minute on', () => {
    expect(totals(minutes)).toEqual({ requests: 60, errors: 3 });
    expect(totals(minutes, 1)).toEqual({ requests: 50, errors: 2 });
  });

  it('weights the mean response time by requests, from a minute on, and has none without a timed minute', () => {
    expect(meanLatency(minutes)).toBeCloseTo(0.15, 12);
    expect(meanLatency(minutes, 1)).toBeCloseTo(0.1, 12);
    expect(meanLatency(minutes, 2)).toBeUndefined();
  });

  it('pairs the same minute written two ways, and each minute once', () => {
    // Prepare
    const canary = [
      { at: '2026-11-24T12:00:00Z', requests: 1, errors: 0 },
      { at: '2026-11-24T12:02:00Z', requests: 2, errors: 0 },
    ];
    const stable = [
      { at: '2026-11-24T12:00:00.000Z', requests: 10, errors: 0 },
      { at: '2026-11-24T12:01:00.000Z', requests: 20, errors: 0 },
      { at: '2026-11-24T12:02:00.000Z', requests: 30, errors: 0 },
      { at: '2026-11-24T12:03:00.000Z', requests: 40, errors: 0 },
    ];
    const pairs: number[][] = [];

    // Act
    forEachPairedMinute(canary, stable, (c, s) => pairs.push([c.requests, s.requests]));

    // Assess
    expect(pairs).toEqual([
      [1, 10],
      [2, 30],
    ]);
  });

  it('pairs a shared minute after one only the canary has', () => {
    // Prepare
    const canary = [
      { at: minuteAt(0), requests: 1, errors: 0 },
      { at: minuteAt(1), requests: 2, errors: 0 },
    ];
    const stable = [{ at: minuteAt(1), requests: 20, errors: 0 }];
    const pairs: number[][] = [];

    // Act
    forEachPairedMinute(canary, stable, (c, s) => pairs.push([c.requests, s.requests]));

    // Assess
    expect(pairs).toEqual([[2, 20]]);
  });

  it('adds in log space without overflow and with nothing as −∞', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, 4)).toBe(4);
    expect(logAddExp(4, Number.NEGATIVE_INFINITY)).toBe(4);
  });

  it('rounds evidence to significant digits and leaves 0 and infinities alone', () => {
    expect(significant(123456)).toBe(123000);
    expect(significant(0.00123456, 2)).toBe(0.0012);
    expect(significant(0)).toBe(0);
    expect(significant(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('caps a Bayes factor at 1e15 and keeps one below it', () => {
    expect(factorFromLog(1000)).toBe(FACTOR_CAP);
    expect(factorFromLog(Math.log(50))).toBe(50);
    expect(factorFromLog(Number.NEGATIVE_INFINITY)).toBe(0);
  });

  it('writes a share as a percent with two decimals, or as many as asked', () => {
    expect(percent(0.012345)).toBe('1.23 %');
    expect(percent(0.01, 1)).toBe('1.0 %');
  });
});
