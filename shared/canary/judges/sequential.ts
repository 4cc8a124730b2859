import type { SequentialJudgeConfig } from '../../config/canary-judge.js';
import type { CanaryJudge, Evidence, JudgeInput, JudgeVerdict } from '../judge.js';
import { errorRatioTest } from './error-ratio-test.js';
import { latencySignTest } from './latency-sign-test.js';
import {
  FACTOR_CAP,
  factorFromLog,
  firstMinuteFrom,
  logAddExp,
  meanLatency,
  percent,
  significant,
  totals,
} from './minutes.js';

/**
 * Anytime-valid canary judge: the evidence that the canary is worse than tolerated, in 5xx rate or in response time,
 * accumulated minute by minute since the canary began, as the mean of two test supermartingales (the error-share
 * mixture test and the response-time sign test). Fails at 1/α, so judging every minute never inflates false
 * rollbacks beyond α; passes only on enough requests in the step and little evidence; holds otherwise.
 */
export class SequentialJudge implements CanaryJudge {
  readonly name = 'sequential';
  readonly #config: SequentialJudgeConfig;

  /** Settings already validated and completed: the packaged config's, or `sequentialJudgeWith`'s. */
  constructor(config: SequentialJudgeConfig) {
    this.#config = config;
  }

  judge(input: JudgeInput): JudgeVerdict {
    const config = this.#config;
    const errors = errorRatioTest(input.canary, input.stable, config.errorRateTolerance);
    const latency = latencySignTest(input.canary, input.stable, config.latencyTolerance);
    const logFactor = logAddExp(errors.logBayesFactor, latency.logBayesFactor) - Math.LN2;
    const step = {
      canary: totals(input.canary, firstMinuteFrom(input.canary, input.stepStartedAt)).requests,
      stable: totals(input.stable, firstMinuteFrom(input.stable, input.stepStartedAt)).requests,
    };
    const canaryRate = errors.canaryRequests > 0 ? errors.canaryErrors / errors.canaryRequests : 0;
    const stableRate = errors.stableRequests > 0 ? errors.stableErrors / errors.stableRequests : 0;
    const canaryLatency = meanLatency(input.canary);
    const stableLatency = meanLatency(input.stable);
    const threshold = 1 / config.alpha;
    const evidence: Evidence = {
      bayesFactor: factorFromLog(logFactor),
      failAt: significant(threshold),
      holdAbove: config.holdAbove,
      errorBayesFactor: factorFromLog(errors.logBayesFactor),
      canaryRequests: errors.canaryRequests,
      canaryErrors: errors.canaryErrors,
      canaryErrorRate: significant(canaryRate),
      stableRequests: errors.stableRequests,
      stableErrors: errors.stableErrors,
      stableErrorRate: significant(stableRate),
      toleratedErrorRateRatio: 1 + config.errorRateTolerance,
      latencyBayesFactor: factorFromLog(latency.logBayesFactor),
      slowerMinutes: latency.slowerMinutes,
      comparedMinutes: latency.comparedMinutes,
      toleratedLatencyRatio: 1 + config.latencyTolerance,
      ...(canaryLatency !== undefined ? { canaryLatencySeconds: significant(canaryLatency) } : {}),
      ...(stableLatency !== undefined ? { stableLatencySeconds: significant(stableLatency) } : {}),
      stepCanaryRequests: step.canary,
      stepStableRequests: step.stable,
      minCanaryRequests: config.minCanaryRequests,
    };
    const errorsSay = `canary 5xx ${errors.canaryErrors}/${errors.canaryRequests} (${percent(canaryRate)}) vs stable ${errors.stableErrors}/${errors.stableRequests} (${percent(stableRate)}), tolerated ${1 + config.errorRateTolerance}×`;
    const latencySays = `canary slower than ${1 + config.latencyTolerance}× stable in ${latency.slowerMinutes} of ${latency.comparedMinutes} minutes`;
    const factorSays = `Bayes factor ${(evidence.bayesFactor as number) >= FACTOR_CAP ? 'over 1e15' : evidence.bayesFactor}`;
    if (logFactor >= Math.log(threshold)) {
      const cause = errors.logBayesFactor >= latency.logBayesFactor ? errorsSay : latencySays;
      return {
        outcome: 'fail',
        reason: `${cause}: ${factorSays} ≥ ${evidence.failAt} (α = ${percent(config.alpha, 1)})`,
        evidence,
      };
    }
    if (step.canary < config.minCanaryRequests || step.stable < config.minStableRequests) {
      return {
        outcome: 'inconclusive',
        reason: `too little traffic to pass: ${step.canary} canary and ${step.stable} stable requests in this step, ${config.minCanaryRequests} and ${config.minStableRequests} needed`,
        evidence,
      };
    }
    if (logFactor >= Math.log(config.holdAbove)) {
      return {
        outcome: 'inconclusive',
        reason: `leaning toward a regression (${factorSays}, holding above ${config.holdAbove}, failing at ${evidence.failAt}): ${errorsSay}; ${latencySays}`,
        evidence,
      };
    }
    return {
      outcome: 'pass',
      reason: `no evidence of a regression (${factorSays}): ${errorsSay}; ${latencySays}`,
      evidence,
    };
  }
}
