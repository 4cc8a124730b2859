import { describe, expect, it } from 'vitest';
import type { MinuteMetrics } from '#shared/canary/judge.js';
import { judgeFor } from '#shared/canary/judges/for-config.js';
import { SequentialJudge } from '#shared/canary/judges/sequential.js';
import { sequentialJudgeWith } from '#shared/canary/judges/sequential-settings.js';
import { ThresholdJudge } from '#shared/canary/threshold-judge.js';
import type { SequentialJudgeConfig } from '#shared/config/canary-judge.js';
import { minuteAt, side } from './canary-judges/minutes.js';

const settings: SequentialJudgeConfig = {
  alpha: 0.01,
  errorRateTolerance: 0.1,
  latencyTolerance: 1,
  minCanaryRequests: 100,
  minStableRequests: 100,
  holdAbove: 10,
};
const judged = (config: Partial<SequentialJudgeConfig>, canary: MinuteMetrics[], stable: MinuteMetrics[]) =>
  new SequentialJudge({ ...settings, ...config }).judge({
    canary,
    stable,
    stepStartedAt: minuteAt(0),
    now: minuteAt(canary.length),
  });

// One minute in which the canary is slower than twice stable and no side has errors: Bayes factor (1 + 3/2) / 2.
const slowerCanary = side(1, { requests: 100, errors: 0, latencySeconds: 0.51 });
const stableSide = side(1, { requests: 100, errors: 0, latencySeconds: 0.25 });

describe('Module: sequential judge, at its bounds', () => {
  it('holds a canary once the evidence reaches the hold level, and passes it just below', () => {
    // Act
    const held = judged({ holdAbove: 1.24 }, slowerCanary, stableSide);
    const passed = judged({ holdAbove: 1.26 }, slowerCanary, stableSide);

    // Assess
    expect(held.evidence.bayesFactor).toBe(1.25);
    expect(held).toMatchObject({
      outcome: 'inconclusive',
      evidence: { holdAbove: 1.24, canaryLatencySeconds: 0.51, stableLatencySeconds: 0.25 },
    });
    expect(held.reason).toBe(
      'leaning toward a regression (Bayes factor 1.25, holding above 1.24, failing at 100): canary 5xx 0/100 (0.00 %) vs stable 0/100 (0.00 %), tolerated 1.1×; canary slower than 2× stable in 1 of 1 minutes',
    );
    expect(passed.outcome).toBe('pass');
    expect(passed.reason).toBe(
      'no evidence of a regression (Bayes factor 1.25): canary 5xx 0/100 (0.00 %) vs stable 0/100 (0.00 %), tolerated 1.1×; canary slower than 2× stable in 1 of 1 minutes',
    );
  });

  it('fails once the evidence reaches 1/α, naming the response time when it carries the evidence', () => {
    // Act
    const failed = judged({ alpha: 1 / 1.24, holdAbove: 1 }, slowerCanary, stableSide);
    const held = judged({ alpha: 1 / 1.26, holdAbove: 1 }, slowerCanary, stableSide);

    // Assess
    expect(failed).toMatchObject({ outcome: 'fail', evidence: { failAt: 1.24 } });
    expect(failed.reason).toBe('canary slower than 2× stable in 1 of 1 minutes: Bayes factor 1.25 ≥ 1.24 (α = 80.6 %)');
    expect(held.outcome).toBe('inconclusive');
  });

  it('names the 5xx rates when the errors carry the evidence', () => {
    // Prepare: one canary error against none on stable, same response times: factors 1.35 and 1/2
    const canary = side(1, { requests: 100, errors: 1, latencySeconds: 0.25 });

    // Act
    const failed = judged({ alpha: 1 / 0.9, holdAbove: 1 }, canary, stableSide);

    // Assess
    expect(failed.outcome).toBe('fail');
    expect(failed.reason).toMatch(/^canary 5xx 1\/100 \(1\.00 %\) vs stable 0\/100 \(0\.00 %\), tolerated 1\.1×: /);
  });

  it('holds on too few stable requests in the step, even with enough canary requests', () => {
    // Act
    const verdict = judged(
      { minStableRequests: 101 },
      side(1, { requests: 100, errors: 0 }),
      side(1, { requests: 100, errors: 0 }),
    );

    // Assess
    expect(verdict).toMatchObject({ outcome: 'inconclusive', evidence: { stepStableRequests: 100 } });
    expect(verdict.reason).toBe(
      'too little traffic to pass: 100 canary and 100 stable requests in this step, 100 and 101 needed',
    );
  });

  it('passes with exactly the minimum of requests on both sides', () => {
    expect(judged({}, side(1, { requests: 100, errors: 0 }), side(1, { requests: 100, errors: 0 })).outcome).toBe(
      'pass',
    );
  });

  it('gives rates of zero and no response times for sides without requests or times', () => {
    // Act
    const verdict = judged({}, side(2, { requests: 0, errors: 0 }), side(2, { requests: 0, errors: 0 }));

    // Assess
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.evidence).toMatchObject({
      bayesFactor: 1,
      errorBayesFactor: 1,
      latencyBayesFactor: 1,
      canaryErrorRate: 0,
      stableErrorRate: 0,
      toleratedErrorRateRatio: 1.1,
      toleratedLatencyRatio: 2,
      minCanaryRequests: 100,
    });
    expect(verdict.evidence).not.toHaveProperty('canaryLatencySeconds');
    expect(verdict.evidence).not.toHaveProperty('stableLatencySeconds');
  });

  it('says the Bayes factor is over 1e15 when the evidence passes what a record can hold', () => {
    // Act
    const verdict = judged({}, side(60, { requests: 1000, errors: 500 }), side(60, { requests: 9000, errors: 9 }));

    // Assess
    expect(verdict.reason).toMatch(/: Bayes factor over 1e15 ≥ 100 \(α = 1\.0 %\)$/);
  });

  it('completes partial settings with the defaults and validates them', () => {
    // Act
    const judge = sequentialJudgeWith({ minCanaryRequests: 1, minStableRequests: 1 });
    const verdict = judge.judge({
      canary: side(1, { requests: 5, errors: 0, latencySeconds: 0.1 }),
      stable: side(1, { requests: 5, errors: 0, latencySeconds: 0.1 }),
      stepStartedAt: minuteAt(0),
      now: minuteAt(1),
    });

    // Assess
    expect(verdict.evidence).toMatchObject({ failAt: 100, holdAbove: 10, toleratedLatencyRatio: 1.2 });
    expect(() => sequentialJudgeWith({ alpha: 0.5 })).toThrow();
  });
});

describe('Module: judge for a config', () => {
  it('builds the judge the config names with its settings', () => {
    // Act
    const threshold = judgeFor({
      kind: 'threshold',
      minRequests: 1,
      maxErrorRate: 0.5,
      maxErrorRateIncrease: 1,
      maxLatencyRatio: 2,
    });
    const sequential = judgeFor({ kind: 'sequential', ...settings, minCanaryRequests: 7 });

    // Assess
    expect(threshold).toBeInstanceOf(ThresholdJudge);
    expect(sequential).toBeInstanceOf(SequentialJudge);
    const input = {
      canary: side(1, { requests: 4, errors: 1 }),
      stable: [],
      stepStartedAt: minuteAt(0),
      now: minuteAt(1),
    };
    expect(threshold.judge(input).outcome).toBe('pass');
    expect(sequential.judge(input).evidence.minCanaryRequests).toBe(7);
  });
});
