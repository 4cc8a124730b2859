import type { ThresholdJudgeConfig } from '../config/canary-judge.js';
import type { CanaryJudge, Evidence, JudgeInput, JudgeVerdict, MinuteMetrics } from './judge.js';

/** Requests, errors and request-weighted mean latency of a side's minutes. */
export function summarize(minutes: readonly MinuteMetrics[]): { requests: number; errors: number; latency?: number } {
  let requests = 0;
  let errors = 0;
  let weighted = 0;
  let timed = 0;
  for (const m of minutes) {
    requests += m.requests;
    errors += m.errors;
    if (m.latencySeconds !== undefined && m.requests > 0) {
      weighted += m.latencySeconds * m.requests;
      timed += m.requests;
    }
  }
  return { requests, errors, ...(timed > 0 ? { latency: weighted / timed } : {}) };
}

const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Compares canary against stable over the current step's minutes with fixed limits: too few canary requests is
 * inconclusive (hold), an error rate or a mean response time past its limit fails, anything else passes.
 */
export class ThresholdJudge implements CanaryJudge {
  readonly name = 'threshold';
  readonly #limits: ThresholdJudgeConfig;

  constructor(limits: ThresholdJudgeConfig) {
    this.#limits = limits;
  }

  judge(input: JudgeInput): JudgeVerdict {
    const from = Date.parse(input.stepStartedAt);
    const inStep = (m: MinuteMetrics) => Date.parse(m.at) >= from;
    const canary = summarize(input.canary.filter(inStep));
    const stable = summarize(input.stable.filter(inStep));
    const limits = this.#limits;
    const canaryRate = canary.requests > 0 ? canary.errors / canary.requests : 0;
    const stableRate = stable.requests > 0 ? stable.errors / stable.requests : 0;
    const evidence: Evidence = {
      canaryRequests: canary.requests,
      canaryErrors: canary.errors,
      canaryErrorRate: round(canaryRate),
      stableRequests: stable.requests,
      stableErrors: stable.errors,
      stableErrorRate: round(stableRate),
      minRequests: limits.minRequests,
      ...(canary.latency !== undefined ? { canaryLatencySeconds: round(canary.latency) } : {}),
      ...(stable.latency !== undefined ? { stableLatencySeconds: round(stable.latency) } : {}),
    };
    if (canary.requests < limits.minRequests) {
      return {
        outcome: 'inconclusive',
        reason: `only ${canary.requests} canary requests in this step, ${limits.minRequests} needed`,
        evidence,
      };
    }
    const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
    if (canaryRate > limits.maxErrorRate) {
      return {
        outcome: 'fail',
        reason: `canary 5xx rate ${pct(canaryRate)} is above the limit ${pct(limits.maxErrorRate)}`,
        evidence,
      };
    }
    if (stable.requests > 0 && canaryRate - stableRate > limits.maxErrorRateIncrease) {
      return {
        outcome: 'fail',
        reason: `canary 5xx rate ${pct(canaryRate)} is more than ${pct(limits.maxErrorRateIncrease)} above stable's ${pct(stableRate)}`,
        evidence,
      };
    }
    if (canary.latency !== undefined && limits.maxLatencySeconds !== undefined) {
      if (canary.latency > limits.maxLatencySeconds) {
        return {
          outcome: 'fail',
          reason: `canary mean response time ${canary.latency.toFixed(3)} s is above the limit ${limits.maxLatencySeconds} s`,
          evidence,
        };
      }
    }
    if (canary.latency !== undefined && stable.latency !== undefined && stable.latency > 0) {
      const ratio = canary.latency / stable.latency;
      evidence.latencyRatio = round(ratio, 3);
      if (ratio > limits.maxLatencyRatio) {
        return {
          outcome: 'fail',
          reason: `canary mean response time ${canary.latency.toFixed(3)} s is ${ratio.toFixed(2)}× stable's ${stable.latency.toFixed(3)} s (limit ${limits.maxLatencyRatio}×)`,
          evidence,
        };
      }
    }
    return {
      outcome: 'pass',
      reason: `${canary.requests} canary requests, 5xx ${pct(canaryRate)} (stable ${pct(stableRate)}), within limits`,
      evidence,
    };
  }
}
