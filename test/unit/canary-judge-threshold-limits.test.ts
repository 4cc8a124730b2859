import { describe, expect, it } from 'vitest';
import type { MinuteMetrics } from '#shared/canary/judge.js';
import { ThresholdChecksJudge } from '#shared/canary/judges/threshold.js';
import { summarize, ThresholdJudge } from '#shared/canary/threshold-judge.js';
import { ThresholdJudgeSchema } from '#shared/config/canary-judge.js';
import { minuteAt, side } from './canary-judges/minutes.js';

const limits = (overrides: Record<string, number> = {}) => new ThresholdJudge(ThresholdJudgeSchema.parse(overrides));
const step = (canary: MinuteMetrics[], stable: MinuteMetrics[]) => ({
  canary,
  stable,
  stepStartedAt: minuteAt(0),
  now: minuteAt(canary.length),
});

describe('Module: threshold judge, at its limits', () => {
  it('judges a step with exactly the minimum of canary requests, and holds one request short', () => {
    // Prepare
    const judge = limits({ minRequests: 100 });
    const stable = side(4, { requests: 1000, errors: 0 });

    // Act
    const enough = judge.judge(step(side(4, { requests: 25, errors: 0 }), stable));
    const short = judge.judge(
      step([...side(3, { requests: 25, errors: 0 }), ...side(1, { requests: 24, errors: 0 }, 3)], stable),
    );

    // Assess
    expect(enough.outcome).toBe('pass');
    expect(short).toMatchObject({
      outcome: 'inconclusive',
      reason: 'only 99 canary requests in this step, 100 needed',
    });
    expect(short.evidence).toMatchObject({ canaryRequests: 99, minRequests: 100 });
  });

  it('tolerates a 5xx rate exactly at the limit and fails one error above it', () => {
    // Prepare
    const judge = limits({ maxErrorRate: 0.02, maxErrorRateIncrease: 1 });
    const stable = side(2, { requests: 1000, errors: 0 });

    // Act
    const atLimit = judge.judge(step(side(2, { requests: 100, errors: 2 }), stable));
    const above = judge.judge(
      step([...side(1, { requests: 100, errors: 2 }), ...side(1, { requests: 100, errors: 3 }, 1)], stable),
    );

    // Assess
    expect(atLimit.outcome).toBe('pass');
    expect(above).toMatchObject({
      outcome: 'fail',
      reason: 'canary 5xx rate 2.50 % is above the limit 2.00 %',
      evidence: { canaryErrorRate: 0.025, stableErrorRate: 0 },
    });
  });

  it("fails a canary whose 5xx rate is more than the allowed increase above stable's, and tolerates the increase itself", () => {
    // Prepare: stable at 1 %, the canary at 1.5 % and at 2 %, under an absolute limit of 5 %
    const judge = limits({ maxErrorRate: 0.05, maxErrorRateIncrease: 0.005 });
    const stable = side(2, { requests: 1000, errors: 10 });

    // Act
    const within = judge.judge(step(side(2, { requests: 1000, errors: 15 }), stable));
    const beyond = judge.judge(step(side(2, { requests: 1000, errors: 20 }), stable));

    // Assess
    expect(within.outcome).toBe('pass');
    expect(beyond).toMatchObject({
      outcome: 'fail',
      reason: "canary 5xx rate 2.00 % is more than 0.50 % above stable's 1.00 %",
    });
  });

  it('compares the canary with no stable rate when stable had no requests in the step', () => {
    // Prepare: a 4 % canary under a 5 % limit; stable silent
    const judge = limits({ maxErrorRate: 0.05, maxErrorRateIncrease: 0.005 });

    // Act
    const verdict = judge.judge(step(side(2, { requests: 100, errors: 4 }), side(2, { requests: 0, errors: 0 })));

    // Assess
    expect(verdict.outcome).toBe('pass');
    expect(verdict.evidence).toMatchObject({ stableRequests: 0, stableErrorRate: 0 });
  });

  it('fails a canary slower than the absolute limit whatever stable does, and tolerates the limit itself', () => {
    // Prepare
    const judge = limits({ maxLatencySeconds: 0.5, maxLatencyRatio: 10 });
    const stable = side(2, { requests: 1000, errors: 0, latencySeconds: 0.4 });

    // Act
    const atLimit = judge.judge(step(side(2, { requests: 100, errors: 0, latencySeconds: 0.5 }), stable));
    const slower = judge.judge(step(side(2, { requests: 100, errors: 0, latencySeconds: 0.6 }), stable));

    // Assess
    expect(atLimit.outcome).toBe('pass');
    expect(slower).toMatchObject({
      outcome: 'fail',
      reason: 'canary mean response time 0.600 s is above the limit 0.5 s',
      evidence: { canaryLatencySeconds: 0.6, stableLatencySeconds: 0.4 },
    });
  });

  it('fails a canary beyond the latency ratio and tolerates exactly the ratio, with the ratio as evidence', () => {
    // Prepare
    const judge = limits({ maxLatencyRatio: 1.5 });
    const stable = side(2, { requests: 1000, errors: 0, latencySeconds: 0.2 });

    // Act
    const atRatio = judge.judge(step(side(2, { requests: 100, errors: 0, latencySeconds: 0.3 }), stable));
    const beyond = judge.judge(step(side(2, { requests: 100, errors: 0, latencySeconds: 0.32 }), stable));

    // Assess
    expect(atRatio).toMatchObject({ outcome: 'pass', evidence: { latencyRatio: 1.5 } });
    expect(beyond).toMatchObject({
      outcome: 'fail',
      reason: "canary mean response time 0.320 s is 1.60× stable's 0.200 s (limit 1.5×)",
      evidence: { latencyRatio: 1.6 },
    });
  });

  it('judges no latency ratio against a stable side without response times', () => {
    // Prepare
    const judge = limits({ maxLatencyRatio: 1.5 });
    const canary = side(2, { requests: 100, errors: 0, latencySeconds: 9 });

    // Act
    const untimed = judge.judge(step(canary, side(2, { requests: 1000, errors: 0 })));
    const instant = judge.judge(step(canary, side(2, { requests: 1000, errors: 0, latencySeconds: 0 })));

    // Assess
    expect(untimed.outcome).toBe('pass');
    expect(untimed.evidence).not.toHaveProperty('stableLatencySeconds');
    expect(untimed.evidence).not.toHaveProperty('latencyRatio');
    expect(instant.outcome).toBe('pass');
  });

  it('counts a minute that starts exactly when the step began as part of the step', () => {
    // Prepare
    const judge = limits({ minRequests: 100 });
    const canary = side(3, { requests: 50, errors: 0 });

    // Act
    const verdict = judge.judge({ canary, stable: [], stepStartedAt: minuteAt(1), now: minuteAt(3) });

    // Assess
    expect(verdict.evidence.canaryRequests).toBe(100);
    expect(verdict.reason).toBe('100 canary requests, 5xx 0.00 % (stable 0.00 %), within limits');
  });

  it('weights the mean response time by requests and leaves out minutes without requests or a time', () => {
    // Prepare
    const minutes: MinuteMetrics[] = [
      { at: minuteAt(0), requests: 300, errors: 3, latencySeconds: 0.1 },
      { at: minuteAt(1), requests: 100, errors: 1, latencySeconds: 0.5 },
      { at: minuteAt(2), requests: 0, errors: 0, latencySeconds: 7 },
      { at: minuteAt(3), requests: 50, errors: 0 },
    ];

    // Act
    const summary = summarize(minutes);

    // Assess
    expect(summary).toEqual({ requests: 450, errors: 4, latency: 0.2 });
    expect(summarize([{ at: minuteAt(0), requests: 5, errors: 0 }])).toEqual({ requests: 5, errors: 0 });
  });

  it('rounds the rates it gives as evidence to six decimals', () => {
    // Prepare
    const judge = limits({ minRequests: 1, maxErrorRate: 1, maxErrorRateIncrease: 1 });

    // Act
    const verdict = judge.judge(step(side(1, { requests: 3, errors: 1 }), side(1, { requests: 7, errors: 1 })));

    // Assess
    expect(verdict.evidence).toMatchObject({ canaryErrorRate: 0.333333, stableErrorRate: 0.142857 });
  });
});

describe('Module: threshold checks judge, at its limits', () => {
  it('counts only minutes with canary requests as checks and fails at the limit of failed checks', () => {
    // Prepare
    const judge = new ThresholdChecksJudge({ failedChecksLimit: 2 });
    const canary = [
      ...side(1, { requests: 100, errors: 2 }),
      ...side(1, { requests: 0, errors: 0 }, 1),
      ...side(1, { requests: 100, errors: 0, latencySeconds: 0.6 }, 2),
    ];

    // Act
    const verdict = judge.judge({ canary, stable: [], stepStartedAt: minuteAt(0), now: minuteAt(3) });

    // Assess
    expect(verdict).toMatchObject({
      outcome: 'fail',
      reason: '2 failed checks (5xx rate above 1.00 % or response time above 0.5 s), limit 2',
      evidence: { failedChecks: 2, checks: 2, failedChecksLimit: 2, maxErrorRate: 0.01 },
    });
  });

  it('passes a minute exactly at the limits and gives its 5xx rate', () => {
    // Prepare
    const judge = new ThresholdChecksJudge({ maxErrorRate: 0.01, maxLatencySeconds: 0.5 });
    const canary = side(2, { requests: 100, errors: 1, latencySeconds: 0.5 });

    // Act
    const verdict = judge.judge({ canary, stable: [], stepStartedAt: minuteAt(0), now: minuteAt(2) });

    // Assess
    expect(verdict).toMatchObject({
      outcome: 'pass',
      reason: '0 failed checks of 2',
      evidence: { failedChecks: 0, checks: 2, lastErrorRate: 0.01 },
    });
  });

  it('halts advancement after a failed last minute below the limit of failed checks', () => {
    // Prepare
    const judge = new ThresholdChecksJudge();
    const canary = [
      ...side(2, { requests: 100, errors: 0 }),
      ...side(1, { requests: 100, errors: 0, latencySeconds: 0.7 }, 2),
    ];

    // Act
    const verdict = judge.judge({ canary, stable: [], stepStartedAt: minuteAt(0), now: minuteAt(3) });

    // Assess
    expect(verdict).toMatchObject({ outcome: 'inconclusive', reason: 'the last check failed: advancement halted' });
    expect(verdict.evidence.failedChecks).toBe(1);
  });

  it('holds without any canary minute and gives no last rate', () => {
    // Prepare
    const judge = new ThresholdChecksJudge({}, 'flagger');

    // Act
    const verdict = judge.judge({ canary: [], stable: [], stepStartedAt: minuteAt(0), now: minuteAt(0) });

    // Assess
    expect(judge.name).toBe('flagger');
    expect(verdict).toMatchObject({ outcome: 'inconclusive', reason: 'no canary requests in the last minute' });
    expect(verdict.evidence).not.toHaveProperty('lastErrorRate');
  });

  it('refuses settings outside their bounds', () => {
    expect(() => new ThresholdChecksJudge({ maxErrorRate: 1.5 })).toThrow();
    expect(() => new ThresholdChecksJudge({ failedChecksLimit: 0 })).toThrow();
  });
});
