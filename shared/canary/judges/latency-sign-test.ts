import type { MinuteMetrics } from '../judge.js';
import { forEachPairedMinute } from './minutes.js';

/** Beta prior on the chance that a canary minute is slower than tolerated, restricted to (1/2, 1). */
const PRIOR = { a: 1, b: 1 };

export interface LatencySignEvidence {
  /** Natural log of the beta-mixture Bayes factor against "a canary minute is slower at most half the time". */
  logBayesFactor: number;
  /** Minutes in which the canary's mean response time exceeded the tolerated multiple of stable's. */
  slowerMinutes: number;
  /** Minutes in which both sides had a mean response time. */
  comparedMinutes: number;
}

/**
 * log ∫_{1/2}^1 p^a−1 (1−p)^b−1 dp, the log of the beta function's upper half, for whole a, b ≥ 1 (minute counts
 * plus the prior's): integrating by parts a − 1 times leaves the finite sum 2^−(a+b−1) Σ_k t_k, with t_0 = 1/b and
 * t_k = t_k−1 (a − k)/(b + k). Exact up to rounding, where the incomplete beta function needs a series or fraction.
 */
export function logUpperHalfBeta(a: number, b: number): number {
  const logTerms = [-Math.log(b)];
  for (let k = 1; k < a; k += 1) {
    logTerms.push((logTerms[k - 1] as number) + Math.log((a - k) / (b + k)));
  }
  const largest = Math.max(...logTerms);
  let scaled = 0;
  for (const term of logTerms) scaled += Math.exp(term - largest);
  return largest + Math.log(scaled) - (a + b - 1) * Math.LN2;
}

/**
 * Sequential sign test on paired minutes, robust to outliers and to any shared swing in response time: each minute
 * with a mean response time on both sides counts as slower when canary > (1 + tolerance) × stable. For a canary no
 * slower than that, a minute is slower with probability at most 1/2 (less when the canary's fewer requests make its
 * mean noisier, since response times are right-skewed), so the Bayes factor of a beta prior on (1/2, 1) against 1/2
 * is a test supermartingale: valid at every look.
 */
export function latencySignTest(
  canary: readonly MinuteMetrics[],
  stable: readonly MinuteMetrics[],
  tolerance: number,
): LatencySignEvidence {
  let slowerMinutes = 0;
  let comparedMinutes = 0;
  forEachPairedMinute(canary, stable, (c, s) => {
    if (c.latencySeconds === undefined || s.latencySeconds === undefined || c.requests <= 0 || s.requests <= 0) return;
    comparedMinutes += 1;
    if (c.latencySeconds > (1 + tolerance) * s.latencySeconds) slowerMinutes += 1;
  });
  const logBayesFactor =
    logUpperHalfBeta(PRIOR.a + slowerMinutes, PRIOR.b + comparedMinutes - slowerMinutes) -
    logUpperHalfBeta(PRIOR.a, PRIOR.b) +
    comparedMinutes * Math.LN2;
  return { logBayesFactor, slowerMinutes, comparedMinutes };
}
