import { describe, expect, it } from 'vitest';
import { compareShift, MannWhitneyJudge, MannWhitneyJudgeSchema } from '#shared/canary/judges/mann-whitney.js';
import { ThresholdChecksJudge } from '#shared/canary/judges/threshold.js';
import { minuteAt, side } from './minutes.js';

describe('Canary judge: Mann-Whitney per window (Kayenta)', () => {
  const judge = new MannWhitneyJudge();

  it('estimates the shift as the median of pairwise differences and bounds it', () => {
    // Prepare
    const canary = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    const stable = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    // Act
    const result = compareShift(canary, stable, MannWhitneyJudgeSchema.parse({}));

    // Assess
    expect(result.estimate).toBe(10);
    expect(result.lower).toBeGreaterThan(5);
    expect(result.upper).toBeLessThan(15);
    expect(result.pValue).toBeLessThan(0.001);
    expect(result.high).toBe(true);
  });

  it('fails a window whose canary minutes all have a higher 5xx rate', () => {
    // Prepare
    const canary = Array.from({ length: 10 }, (_, i) => ({ at: minuteAt(i), requests: 100, errors: 3 + (i % 3) }));
    const stable = Array.from({ length: 10 }, (_, i) => ({ at: minuteAt(i), requests: 900, errors: 4 + (i % 2) }));

    // Act
    const verdict = judge.judge({ canary, stable, stepStartedAt: minuteAt(0), now: minuteAt(10) });

    // Assess
    expect(verdict.outcome).toBe('fail');
    expect(verdict.reason).toMatch(/errorRate classified High/);
  });

  it('passes a window where both sides are the same and holds on fewer than 3 minutes', () => {
    // Prepare
    const same = side(5, { requests: 100, errors: 1, latencySeconds: 0.1 });

    // Act
    const full = judge.judge({ canary: same, stable: same, stepStartedAt: minuteAt(0), now: minuteAt(5) });
    const short = judge.judge({ canary: same, stable: same, stepStartedAt: minuteAt(3), now: minuteAt(5) });

    // Assess
    expect(full.outcome).toBe('pass');
    expect(short.outcome).toBe('inconclusive');
  });
});

describe('Canary judge: threshold checks (Flagger defaults)', () => {
  const judge = new ThresholdChecksJudge();

  it('rolls back at the fifth minute above 1 % 5xx and halts after each failed minute before that', () => {
    // Prepare
    const bad = { requests: 50, errors: 1 };
    const good = { requests: 50, errors: 0 };
    const four = [...side(3, bad), ...side(1, good, 3), ...side(1, bad, 4)];
    const five = [...four, ...side(1, bad, 5)];

    // Act
    const halted = judge.judge({ canary: four, stable: [], stepStartedAt: minuteAt(0), now: minuteAt(5) });
    const failed = judge.judge({ canary: five, stable: [], stepStartedAt: minuteAt(0), now: minuteAt(6) });

    // Assess
    expect(halted).toMatchObject({ outcome: 'inconclusive', evidence: { failedChecks: 4 } });
    expect(failed).toMatchObject({ outcome: 'fail', evidence: { failedChecks: 5, failedChecksLimit: 5 } });
  });

  it('passes when the last minute is within the limits and holds on a minute without canary requests', () => {
    // Prepare
    const canary = side(3, { requests: 200, errors: 1, latencySeconds: 0.2 });
    const idle = [...canary, ...side(1, { requests: 0, errors: 0 }, 3)];

    // Act & Assess
    expect(judge.judge({ canary, stable: [], stepStartedAt: minuteAt(0), now: minuteAt(3) }).outcome).toBe('pass');
    expect(judge.judge({ canary: idle, stable: [], stepStartedAt: minuteAt(0), now: minuteAt(4) }).outcome).toBe(
      'inconclusive',
    );
  });
});
