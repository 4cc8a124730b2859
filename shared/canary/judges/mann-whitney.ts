import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import * as z from 'zod';
import type { CanaryJudge, Evidence, JudgeInput, JudgeVerdict, MinuteMetrics } from '../judge.js';
import { firstMinuteFrom, significant } from './minutes.js';

/** Kayenta's Mann-Whitney classifier settings (its NetflixACAJudge defaults). */
export const MannWhitneyJudgeSchema = z
  .object({
    confidence: z.number().gt(0.5).lt(1).default(0.98).describe('Confidence of the interval on the shift.'),
    tolerance: z
      .number()
      .min(0)
      .default(0.25)
      .describe('The interval must clear this fraction of the Hodges-Lehmann estimate to classify High.'),
    effectSizeThreshold: z.number().min(0).default(1).describe('Mean ratio canary/stable needed to classify High.'),
    minMinutes: z.number().int().min(2).default(3).describe('Minutes with data per side before any verdict.'),
  })
  .strict();

export type MannWhitneyJudgeConfig = z.output<typeof MannWhitneyJudgeSchema>;

export interface ShiftComparison {
  high: boolean;
  /** Hodges-Lehmann estimate of canary − stable and its confidence interval (normal approximation). */
  estimate: number;
  lower: number;
  upper: number;
  /** One-sided p-value of "canary tends higher" (normal approximation with tie correction). */
  pValue: number;
  meanRatio: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mann-Whitney U with the Hodges-Lehmann shift and its interval, classified as Kayenta classifies "High". */
export function compareShift(
  canary: readonly number[],
  stable: readonly number[],
  config: MannWhitneyJudgeConfig,
): ShiftComparison {
  const m = canary.length;
  const n = stable.length;
  const differences: number[] = [];
  for (const x of canary) for (const y of stable) differences.push(x - y);
  differences.sort((a, b) => a - b);
  const total = m * n;
  const middle = (total - 1) / 2;
  const estimate = ((differences[Math.floor(middle)] as number) + (differences[Math.ceil(middle)] as number)) / 2;
  const z = normalQuantile((1 + config.confidence) / 2, 0, 1);
  const k = Math.floor(total / 2 - z * Math.sqrt((m * n * (m + n + 1)) / 12));
  // The k-th smallest and k-th largest differences bound the interval; k < 1 means too few minutes to bound it.
  const lower = k >= 1 ? (differences[k - 1] as number) : Number.NEGATIVE_INFINITY;
  const upper = k >= 1 ? (differences[total - k] as number) : Number.POSITIVE_INFINITY;
  // U counts pairs where the canary is higher, ties as half; its variance carries the tie correction.
  let u = 0;
  for (const d of differences) u += d > 0 ? 1 : d === 0 ? 0.5 : 0;
  const pooled = [...canary, ...stable].sort((a, b) => a - b);
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j < pooled.length && pooled[j] === pooled[i]) j += 1;
    const t = j - i;
    tieTerm += t ** 3 - t;
    i = j;
  }
  const size = m + n;
  const variance = ((m * n) / 12) * (size + 1 - tieTerm / (size * (size - 1)));
  const pValue = variance > 0 ? 1 - normalCdf((u - total / 2) / Math.sqrt(variance), 0, 1) : 0.5;
  const stableMean = mean(stable);
  const meanRatio = stableMean === 0 ? 1 : mean(canary) / stableMean;
  const identical = pooled[0] === pooled[pooled.length - 1];
  const high = !identical && lower > config.tolerance * Math.abs(estimate) && meanRatio >= config.effectSizeThreshold;
  return { high, estimate, lower, upper, pValue, meanRatio };
}

/** Per-minute error rates and mean response times of the minutes with requests (Kayenta removes NaNs). */
function series(minutes: readonly MinuteMetrics[]): { errorRate: number[]; latency: number[] } {
  const errorRate: number[] = [];
  const latency: number[] = [];
  for (const m of minutes) {
    if (m.requests <= 0) continue;
    errorRate.push(m.errors / m.requests);
    if (m.latencySeconds !== undefined) latency.push(m.latencySeconds);
  }
  return { errorRate, latency };
}

/**
 * Kayenta's judge as a baseline: per metric, the current step's per-minute values of canary against stable with a
 * Mann-Whitney U test at 98 % and its effect-size tolerance; any metric classified High fails. Valid for one look
 * per window only: judged every minute, its false-alarm rate grows with every look.
 */
export class MannWhitneyJudge implements CanaryJudge {
  readonly name = 'mann-whitney';
  readonly #config: MannWhitneyJudgeConfig;

  constructor(config: Partial<z.input<typeof MannWhitneyJudgeSchema>> = {}) {
    this.#config = MannWhitneyJudgeSchema.parse(config);
  }

  judge(input: JudgeInput): JudgeVerdict {
    const canary = series(input.canary.slice(firstMinuteFrom(input.canary, input.stepStartedAt)));
    const stable = series(input.stable.slice(firstMinuteFrom(input.stable, input.stepStartedAt)));
    const evidence: Evidence = { canaryMinutes: canary.errorRate.length, stableMinutes: stable.errorRate.length };
    const min = this.#config.minMinutes;
    if (canary.errorRate.length < min || stable.errorRate.length < min) {
      return {
        outcome: 'inconclusive',
        reason: `${canary.errorRate.length} canary and ${stable.errorRate.length} stable minutes with data in this step, ${min} needed`,
        evidence,
      };
    }
    const metrics = [
      { name: 'errorRate', canary: canary.errorRate, stable: stable.errorRate },
      { name: 'latency', canary: canary.latency, stable: stable.latency },
    ];
    const high: string[] = [];
    for (const metric of metrics) {
      if (metric.canary.length < min || metric.stable.length < min) continue;
      const result = compareShift(metric.canary, metric.stable, this.#config);
      evidence[`${metric.name}Shift`] = significant(result.estimate);
      evidence[`${metric.name}ShiftLower`] = significant(result.lower);
      evidence[`${metric.name}PValue`] = significant(result.pValue);
      evidence[`${metric.name}MeanRatio`] = significant(result.meanRatio);
      if (result.high) high.push(metric.name);
    }
    if (high.length > 0) {
      return {
        outcome: 'fail',
        reason: `${high.join(' and ')} classified High by Mann-Whitney at ${this.#config.confidence}`,
        evidence,
      };
    }
    return { outcome: 'pass', reason: 'every metric classified Pass', evidence };
  }
}
