import * as z from 'zod';
import type { CanaryJudge, JudgeInput, JudgeVerdict, MinuteMetrics } from '../judge.js';
import { percent, significant } from './minutes.js';

/** Flagger's builtin checks and analysis defaults (request-success-rate min 99 %, request-duration, threshold 5). */
export const ThresholdChecksSchema = z
  .object({
    maxErrorRate: z.number().min(0).max(1).default(0.01).describe('A minute whose canary 5xx rate exceeds this fails.'),
    maxLatencySeconds: z.number().positive().default(0.5).describe('A minute slower than this fails.'),
    failedChecksLimit: z.number().int().min(1).default(5).describe('Failed checks before rollback.'),
  })
  .strict();

export type ThresholdChecksConfig = z.output<typeof ThresholdChecksSchema>;

/**
 * Fixed thresholds as Argo Rollouts and Flagger apply them, as a baseline: every canary minute is a check against
 * absolute limits; a failed check halts advancement, and the canary rolls back at the limit of failed checks.
 */
export class ThresholdChecksJudge implements CanaryJudge {
  readonly name: string;
  readonly #config: ThresholdChecksConfig;

  constructor(config: Partial<z.input<typeof ThresholdChecksSchema>> = {}, name = 'threshold-checks') {
    this.#config = ThresholdChecksSchema.parse(config);
    this.name = name;
  }

  judge(input: JudgeInput): JudgeVerdict {
    const config = this.#config;
    const failed = (m: MinuteMetrics) =>
      m.errors / m.requests > config.maxErrorRate ||
      (m.latencySeconds !== undefined && m.latencySeconds > config.maxLatencySeconds);
    let failedChecks = 0;
    let checks = 0;
    for (const m of input.canary) {
      if (m.requests <= 0) continue;
      checks += 1;
      if (failed(m)) failedChecks += 1;
    }
    const last = input.canary.at(-1);
    const evidence = {
      failedChecks,
      checks,
      failedChecksLimit: config.failedChecksLimit,
      maxErrorRate: config.maxErrorRate,
      ...(last && last.requests > 0 ? { lastErrorRate: significant(last.errors / last.requests) } : {}),
    };
    if (failedChecks >= config.failedChecksLimit) {
      return {
        outcome: 'fail',
        reason: `${failedChecks} failed checks (5xx rate above ${percent(config.maxErrorRate)} or response time above ${config.maxLatencySeconds} s), limit ${config.failedChecksLimit}`,
        evidence,
      };
    }
    if (!last || last.requests <= 0)
      return { outcome: 'inconclusive', reason: 'no canary requests in the last minute', evidence };
    if (failed(last)) return { outcome: 'inconclusive', reason: 'the last check failed: advancement halted', evidence };
    return { outcome: 'pass', reason: `${failedChecks} failed checks of ${checks}`, evidence };
  }
}
