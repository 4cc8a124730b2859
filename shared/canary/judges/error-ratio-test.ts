import type { MinuteMetrics } from '../judge.js';
import { forEachPairedMinute, logAddExp } from './minutes.js';

/**
 * The alternatives the error test mixes over: canary-to-stable error-rate ratios as multiples of the tolerated ratio,
 * with their prior weights (summing to 1). A finite mixture of likelihood ratios is itself a test martingale.
 */
export const ERROR_RATIO_ALTERNATIVES: readonly { multiple: number; weight: number }[] = [
  { multiple: 1.25, weight: 0.15 },
  { multiple: 1.5, weight: 0.25 },
  { multiple: 2, weight: 0.25 },
  { multiple: 3, weight: 0.2 },
  { multiple: 5, weight: 0.15 },
];

export interface ErrorRatioEvidence {
  /** Natural log of the mixture Bayes factor against "canary error rate ≤ tolerated ratio × stable's". */
  logBayesFactor: number;
  canaryRequests: number;
  canaryErrors: number;
  stableRequests: number;
  stableErrors: number;
  /** Minutes with requests on both sides and at least one error: the ones that carry evidence. */
  informativeMinutes: number;
}

/**
 * Sequential test of the canary's share of errors (Lindon & Malek, arXiv 2011.03567, applied per minute).
 * In a minute where the canary had share s of the requests and the two sides n errors between them, a canary whose
 * error rate is r times stable's has each error with probability p(r) = r·s / (r·s + 1 − s); the time-varying base
 * rate (diurnal swing, shared incidents) cancels in this conditioning. The likelihood ratio of the canary's errors
 * under p(r) against p(r₀), r₀ = 1 + tolerance, multiplied over minutes and mixed over r > r₀, is a nonnegative
 * supermartingale under every r ≤ r₀, so by Ville's inequality it reaches 1/α with probability at most α however
 * often it is looked at.
 */
export function errorRatioTest(
  canary: readonly MinuteMetrics[],
  stable: readonly MinuteMetrics[],
  tolerance: number,
): ErrorRatioEvidence {
  const nullRatio = 1 + tolerance;
  const ratios = ERROR_RATIO_ALTERNATIVES.map((a) => a.multiple * nullRatio);
  const logLikelihoodRatios = ratios.map(() => 0);
  let canaryRequests = 0;
  let canaryErrors = 0;
  let stableRequests = 0;
  let stableErrors = 0;
  let informativeMinutes = 0;
  forEachPairedMinute(canary, stable, (c, s) => {
    canaryRequests += c.requests;
    canaryErrors += c.errors;
    stableRequests += s.requests;
    stableErrors += s.errors;
    if (c.requests <= 0 || s.requests <= 0 || c.errors + s.errors <= 0) return;
    informativeMinutes += 1;
    const odds = c.requests / s.requests;
    const nullShare = (nullRatio * odds) / (nullRatio * odds + 1);
    for (let k = 0; k < ratios.length; k += 1) {
      const share = ((ratios[k] as number) * odds) / ((ratios[k] as number) * odds + 1);
      logLikelihoodRatios[k] =
        (logLikelihoodRatios[k] as number) +
        c.errors * Math.log(share / nullShare) +
        s.errors * Math.log((1 - share) / (1 - nullShare));
    }
  });
  let logBayesFactor = Number.NEGATIVE_INFINITY;
  ERROR_RATIO_ALTERNATIVES.forEach((a, k) => {
    logBayesFactor = logAddExp(logBayesFactor, Math.log(a.weight) + (logLikelihoodRatios[k] as number));
  });
  return { logBayesFactor, canaryRequests, canaryErrors, stableRequests, stableErrors, informativeMinutes };
}
