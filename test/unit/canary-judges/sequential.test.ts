import { describe, expect, it } from 'vitest';
import { sequentialJudgeWith } from '#shared/canary/judges/sequential-settings.js';
import { minuteAt, side } from './minutes.js';

const judge = sequentialJudgeWith();

describe('Canary judge: sequential', () => {
  it('fails a canary with 3× stable’s 5xx rate and gives the counts and the Bayes factor behind it', () => {
    // Prepare: 20 minutes at 10 %: 100 canary requests with 1.5 errors a minute against 900 with 4.5
    const canary = side(20, { requests: 100, errors: 2, latencySeconds: 0.1 });
    const stable = side(20, { requests: 900, errors: 4, latencySeconds: 0.1 });

    // Act
    const verdict = judge.judge({ canary, stable, stepStartedAt: minuteAt(0), now: minuteAt(20) });

    // Assess
    expect(verdict.outcome).toBe('fail');
    expect(verdict.evidence).toMatchObject({ canaryErrors: 40, canaryRequests: 2000, stableErrors: 80, failAt: 100 });
    expect(verdict.evidence.bayesFactor).toBeGreaterThanOrEqual(100);
    expect(verdict.reason).toMatch(/canary 5xx 40\/2000 \(2\.00 %\) vs stable 80\/18000 \(0\.44 %\)/);
  });

  it('passes a canary like stable once the step has the minimum of requests', () => {
    // Prepare
    const canary = side(10, { requests: 50, errors: 0, latencySeconds: 0.1 });
    const stable = side(10, { requests: 950, errors: 5, latencySeconds: 0.1 });

    // Act
    const verdict = judge.judge({ canary, stable, stepStartedAt: minuteAt(0), now: minuteAt(10) });

    // Assess
    expect(verdict.outcome).toBe('pass');
    expect(verdict.evidence.stepCanaryRequests).toBe(500);
  });

  it('holds with fewer canary requests in the step than the minimum, whatever came before the step', () => {
    // Prepare: a long healthy history, then a step with 2 canary requests a minute
    const canary = [...side(30, { requests: 100, errors: 0 }), ...side(10, { requests: 2, errors: 0 }, 30)];
    const stable = [...side(30, { requests: 900, errors: 4 }), ...side(10, { requests: 38, errors: 0 }, 30)];

    // Act
    const verdict = judge.judge({ canary, stable, stepStartedAt: minuteAt(30), now: minuteAt(40) });

    // Assess
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.reason).toMatch(/too little traffic/);
    expect(verdict.evidence).toMatchObject({ stepCanaryRequests: 20, minCanaryRequests: 250 });
  });

  it('holds instead of passing while the evidence leans toward a regression', () => {
    // Prepare: 2.25× stable's rate for 30 minutes, not yet enough to fail
    const canary = side(30, { requests: 100, errors: 1 });
    const stable = side(30, { requests: 900, errors: 4 });

    // Act
    const verdict = judge.judge({ canary, stable, stepStartedAt: minuteAt(20), now: minuteAt(30) });

    // Assess
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.evidence.bayesFactor).toBeGreaterThanOrEqual(10);
    expect(verdict.evidence.bayesFactor).toBeLessThan(100);
  });

  it('fails a canary slower than stable minute after minute', () => {
    // Prepare
    const canary = side(12, { requests: 100, errors: 0, latencySeconds: 0.18 });
    const stable = side(12, { requests: 900, errors: 4, latencySeconds: 0.12 });

    // Act
    const verdict = judge.judge({ canary, stable, stepStartedAt: minuteAt(0), now: minuteAt(12) });

    // Assess
    expect(verdict.outcome).toBe('fail');
    expect(verdict.reason).toMatch(/slower than 1\.2× stable in 12 of 12 minutes/);
  });

  it('tolerates a canary a little worse than stable', () => {
    // Prepare: 5 % more errors than stable, over a long time
    const canary = side(60, { requests: 500, errors: 21 });
    const stable = side(60, { requests: 500, errors: 20 });

    // Act
    const verdict = judge.judge({ canary, stable, stepStartedAt: minuteAt(50), now: minuteAt(60) });

    // Assess
    expect(verdict.outcome).toBe('pass');
  });

  it('keeps every number of its evidence finite and within the safe integers, however strong the evidence', () => {
    // Prepare: a canary failing half its requests for an hour
    const canary = side(60, { requests: 1000, errors: 500, latencySeconds: 3 });
    const stable = side(60, { requests: 9000, errors: 9, latencySeconds: 0.1 });

    // Act
    const verdict = judge.judge({ canary, stable, stepStartedAt: minuteAt(50), now: minuteAt(60) });

    // Assess
    expect(verdict.outcome).toBe('fail');
    expect(verdict.evidence.bayesFactor).toBe(1e15);
    for (const value of Object.values(verdict.evidence)) {
      expect(Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER).toBe(true);
    }
  });

  it('rejects settings that hold above the level at which it fails', () => {
    // Act & Assess
    expect(() => sequentialJudgeWith({ alpha: 0.05, holdAbove: 30 })).toThrow(/holdAbove/);
  });
});
