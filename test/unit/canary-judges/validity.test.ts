import { describe, expect, it } from 'vitest';
import { errorRatioTest } from '#shared/canary/judges/error-ratio-test.js';
import { latencySignTest, logUpperHalfBeta } from '#shared/canary/judges/latency-sign-test.js';
import { side } from './minutes.js';

/** Binomial probabilities of 0…n successes with chance p. */
function binomial(n: number, p: number): number[] {
  const probabilities: number[] = [];
  let choose = 1;
  for (let k = 0; k <= n; k += 1) {
    probabilities.push(choose * p ** k * (1 - p) ** (n - k));
    choose = (choose * (n - k)) / (k + 1);
  }
  return probabilities;
}

describe('Canary judge: the tests behind the sequential judge', () => {
  it.each([
    { share: 0.05, ratio: 1.1, label: 'at the tolerated ratio' },
    { share: 0.25, ratio: 1, label: 'for a canary as good as stable' },
    { share: 0.5, ratio: 0.5, label: 'for a canary better than stable' },
  ])('keeps the error Bayes factor’s expectation at most 1 $label (valid at every look)', ({ share, ratio }) => {
    // Prepare: one minute with 12 errors between the sides; the canary's share of them under this ratio
    const total = 12;
    const requests = 1000;
    const odds = share / (1 - share);
    const errorShare = (ratio * odds) / (ratio * odds + 1);

    // Act: the exact expectation over every split of the errors
    const expectation = binomial(total, errorShare).reduce((sum, probability, canaryErrors) => {
      const canary = side(1, { requests: requests * share, errors: canaryErrors });
      const stable = side(1, { requests: requests * (1 - share), errors: total - canaryErrors });
      return sum + probability * Math.exp(errorRatioTest(canary, stable, 0.1).logBayesFactor);
    }, 0);

    // Assess
    expect(expectation).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('grows the error Bayes factor past 100 for a canary three times worse over a few hundred errors', () => {
    // Prepare
    const canary = side(30, { requests: 100, errors: 3 });
    const stable = side(30, { requests: 900, errors: 9 });

    // Act
    const result = errorRatioTest(canary, stable, 0.1);

    // Assess
    expect(Math.exp(result.logBayesFactor)).toBeGreaterThan(100);
    expect(result).toMatchObject({ canaryErrors: 90, stableErrors: 270, informativeMinutes: 30 });
  });

  it('keeps the latency Bayes factor’s expectation at 1 when a canary minute is slower half the time', () => {
    // Prepare
    const minutes = 15;

    // Act
    const expectation = binomial(minutes, 0.5).reduce((sum, probability, slower) => {
      const canary = [
        ...side(slower, { requests: 10, errors: 0, latencySeconds: 0.2 }),
        ...side(minutes - slower, { requests: 10, errors: 0, latencySeconds: 0.1 }, slower),
      ];
      const stable = side(minutes, { requests: 90, errors: 0, latencySeconds: 0.1 });
      return sum + probability * Math.exp(latencySignTest(canary, stable, 0.2).logBayesFactor);
    }, 0);

    // Assess
    expect(expectation).toBeCloseTo(1, 9);
  });

  it('pairs minutes by their start time, skipping a minute one side lacks', () => {
    // Prepare: stable has a minute of an incident before the canary's first minute
    const canary = side(10, { requests: 100, errors: 1 }, 1);
    const stable = [...side(1, { requests: 900, errors: 500 }), ...side(10, { requests: 900, errors: 9 }, 1)];

    // Act
    const result = errorRatioTest(canary, stable, 0.1);

    // Assess
    expect(result).toMatchObject({ canaryErrors: 10, stableErrors: 90, informativeMinutes: 10 });
  });

  it('skips minutes without a response time on either side', () => {
    // Prepare
    const canary = [
      ...side(3, { requests: 0, errors: 0 }),
      ...side(2, { requests: 5, errors: 0, latencySeconds: 0.5 }, 3),
    ];
    const stable = side(5, { requests: 95, errors: 0, latencySeconds: 0.1 });

    // Act
    const result = latencySignTest(canary, stable, 0.2);

    // Assess
    expect(result).toMatchObject({ slowerMinutes: 2, comparedMinutes: 2 });
  });

  it("computes the beta function's upper half exactly for whole counts", () => {
    // Prepare: ∫_{1/2}^1 (1−p)^{m−1} dp = 2^−m / m and ∫_{1/2}^1 p^{m−1} dp = (1 − 2^−m) / m; both halves make B(a, b)
    const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
    const beta = (a: number, b: number) => (factorial(a - 1) * factorial(b - 1)) / factorial(a + b - 1);

    // Act
    const halves = [3, 7, 12].map((a) => ({ a, b: 20 - a, sum: Math.exp(logUpperHalfBeta(a, 20 - a)) }));

    // Assess
    expect(logUpperHalfBeta(1, 9)).toBeCloseTo(Math.log(2 ** -9 / 9), 12);
    expect(logUpperHalfBeta(9, 1)).toBeCloseTo(Math.log((1 - 2 ** -9) / 9), 12);
    for (const { a, b, sum } of halves) {
      expect((sum + Math.exp(logUpperHalfBeta(b, a))) / beta(a, b)).toBeCloseTo(1, 12);
    }
  });

  it('stays finite over a day of minutes with few slower ones', () => {
    // Prepare
    const compared = 1440;

    // Act
    const evidence = logUpperHalfBeta(1 + 10, 1 + compared - 10) - logUpperHalfBeta(1, 1) + compared * Math.LN2;

    // Assess
    expect(evidence).toBeLessThan(0);
    expect(Number.isFinite(evidence)).toBe(true);
  });
});
