import betainc from '@stdlib/math-base-special-betainc';
import betaln from '@stdlib/math-base-special-betaln';
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

/** log ∫_{1/2}^1 p^a−1 (1−p)^b−1 dp: the log of the beta function's upper half. */
function logUpperHalfBeta(a: number, b: number): number {
  return betaln(a, b) + Math.log(betainc(0.5, a, b, true, true));
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
