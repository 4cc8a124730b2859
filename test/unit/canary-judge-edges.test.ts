import { describe, expect, it } from 'vitest';
import type { MinuteMetrics } from '#shared/canary/judge.js';
import { compareShift, MannWhitneyJudge, MannWhitneyJudgeSchema } from '#shared/canary/judges/mann-whitney.js';
import { ThresholdChecksJudge } from '#shared/canary/judges/threshold.js';
import { ThresholdJudge } from '#shared/canary/threshold-judge.js';
import { ThresholdJudgeSchema } from '#shared/config/canary-judge.js';
import { minuteAt, side } from './canary-judges/minutes.js';

const limits = (overrides: Record<string, number> = {}) => new ThresholdJudge(ThresholdJudgeSchema.parse(overrides));
const inStep = (canary: MinuteMetrics[], stable: MinuteMetrics[], from = 0) => ({
  canary,
  stable,
  stepStartedAt: minuteAt(from),
  now: minuteAt(Math.max(canary.length, stable.length)),
});

describe('Module: threshold judge, its evidence at the edges', () => {
  it('gives a 5xx rate of 0 and no response time for a canary without requests', () => {
    // Act
    const verdict = limits().judge(
      inStep(side(2, { requests: 0, errors: 0 }), side(2, { requests: 100, errors: 1, latencySeconds: 0.1 })),
    );

    // Assess
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.evidence.canaryErrorRate).toBe(0);
    expect(verdict.evidence).not.toHaveProperty('canaryLatencySeconds');
    expect(verdict.evidence).not.toHaveProperty('latencyRatio');
  });

  it('judges no latency ratio for an untimed canary against a timed stable side', () => {
    // Act
    const verdict = limits().judge(
      inStep(side(2, { requests: 100, errors: 0 }), side(2, { requests: 100, errors: 0, latencySeconds: 0.1 })),
    );

    // Assess
    expect(verdict.outcome).toBe('pass');
    expect(verdict.evidence).not.toHaveProperty('latencyRatio');
  });

  it("compares with stable's minutes of the step only", () => {
    // Prepare: stable failing before the step, clean in it
    const stable = [...side(2, { requests: 100, errors: 50 }), ...side(2, { requests: 100, errors: 0 }, 2)];

    // Act
    const verdict = limits().judge(inStep(side(4, { requests: 100, errors: 0 }), stable, 2));

    // Assess
    expect(verdict.evidence).toMatchObject({ stableRequests: 200, stableErrors: 0 });
  });

  it("tolerates a 5xx rate exactly the allowed increase above stable's", () => {
    // Prepare: 50 % against 25 %, an increase of exactly 0.25
    const judge = limits({ minRequests: 1, maxErrorRate: 1, maxErrorRateIncrease: 0.25 });

    // Act
    const verdict = judge.judge(inStep(side(1, { requests: 4, errors: 2 }), side(1, { requests: 4, errors: 1 })));

    // Assess
    expect(verdict.outcome).toBe('pass');
  });

  it("tolerates a response time of exactly the allowed multiple of stable's", () => {
    // Act
    const verdict = limits({ maxLatencyRatio: 2 }).judge(
      inStep(
        side(1, { requests: 100, errors: 0, latencySeconds: 0.5 }),
        side(1, { requests: 100, errors: 0, latencySeconds: 0.25 }),
      ),
    );

    // Assess
    expect(verdict).toMatchObject({ outcome: 'pass', evidence: { latencyRatio: 2 } });
  });
});

describe('Module: threshold checks judge, its evidence at the edges', () => {
  it('is named for Flagger’s checks unless told otherwise, and gives no rate for a last minute without requests', () => {
    // Prepare
    const judge = new ThresholdChecksJudge();
    const canary = [...side(1, { requests: 100, errors: 0 }), ...side(1, { requests: 0, errors: 0 }, 1)];

    // Act
    const verdict = judge.judge(inStep(canary, []));

    // Assess
    expect(judge.name).toBe('threshold-checks');
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.evidence).not.toHaveProperty('lastErrorRate');
  });
});

describe('Module: Mann-Whitney judge, its edges', () => {
  const judge = new MannWhitneyJudge();

  it('compares means of sides with different numbers of minutes', () => {
    expect(compareShift([2, 2, 2, 2, 2], [1, 1, 1, 1], MannWhitneyJudgeSchema.parse({})).meanRatio).toBe(2);
  });

  it('holds while stable has fewer minutes with requests than the minimum', () => {
    // Act
    const verdict = judge.judge(inStep(side(5, { requests: 100, errors: 1 }), side(2, { requests: 100, errors: 1 })));

    // Assess
    expect(verdict).toMatchObject({ outcome: 'inconclusive', evidence: { canaryMinutes: 5, stableMinutes: 2 } });
    expect(judge.name).toBe('mann-whitney');
  });

  it('leaves response time out when stable has too few timed minutes', () => {
    // Act
    const verdict = judge.judge(
      inStep(side(5, { requests: 100, errors: 1, latencySeconds: 0.1 }), side(5, { requests: 100, errors: 1 })),
    );

    // Assess
    expect(verdict.outcome).toBe('pass');
    expect(verdict.evidence).not.toHaveProperty('latencyPValue');
    expect(verdict.evidence).toHaveProperty('errorRatePValue');
  });
});
