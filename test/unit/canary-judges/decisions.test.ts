import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canaryPlanner } from '#bench/judge/controller.js';
import { runCanary, runCell } from '#bench/judge/run.js';
import { scenarioKeys, scenarios } from '#bench/judge/scenarios.js';
import { defaultNoise } from '#bench/judge/world.js';
import type { CanaryJudge } from '#shared/canary/judge.js';
import { sequentialJudgeWith } from '#shared/canary/judges/sequential-settings.js';
import { minuteAt } from './minutes.js';

const judge = sequentialJudgeWith();
const RUNS = 100;
const SEED = 1126;
const cell = (key: (typeof scenarioKeys)[number]) =>
  runCell(scenarios[key], scenarioKeys.indexOf(key), defaultNoise, judge, canaryPlanner, RUNS, SEED);

describe('Canary judge: sequential, deciding simulated canaries', () => {
  it('rolls back at most 1 % of healthy canaries and completes the rest', () => {
    // Act
    const healthy = cell('healthy');

    // Assess
    expect(healthy.rolledBack).toBeLessThanOrEqual(0.01);
    expect(healthy.completed).toBeGreaterThanOrEqual(0.98);
  });

  it('rolls back a 3× 5xx regression before 100 % in at least 99 % of runs, mostly in the first two steps', () => {
    // Act
    const regression = cell('errors3');

    // Assess
    expect(regression.rolledBack).toBeGreaterThanOrEqual(0.99);
    expect(regression.medianStepOfRollback).toBeLessThanOrEqual(2);
  });

  it('rolls back a 2× 5xx regression before 100 % in at least 70 % of runs', () => {
    // Act & Assess
    expect(cell('errors2').rolledBack).toBeGreaterThanOrEqual(0.7);
  });

  it('never promotes a canary on thin traffic: it holds until the canary pauses', () => {
    // Act
    const thin = cell('thin');

    // Assess
    expect(thin.completed).toBe(0);
    expect(thin.paused).toBeGreaterThanOrEqual(0.99);
  });

  it('never promotes on inconclusive verdicts: the canary holds at its first step until it pauses', () => {
    // Prepare
    const undecided: CanaryJudge = {
      name: 'undecided',
      judge: () => ({ outcome: 'inconclusive', reason: 'not enough evidence', evidence: {} }),
    };

    // Act
    const outcome = runCanary(scenarios.healthy, defaultNoise, SEED, undecided, canaryPlanner);

    // Assess
    expect(outcome).toMatchObject({ result: 'paused', step: 1 });
  });

  it('decides the same way from the same seed', () => {
    // Act
    const first = runCell(scenarios.errors15, 2, defaultNoise, judge, canaryPlanner, 20, SEED);
    const again = runCell(scenarios.errors15, 2, defaultNoise, judge, canaryPlanner, 20, SEED);
    const other = runCell(scenarios.errors15, 2, defaultNoise, judge, canaryPlanner, 20, SEED + 1);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('never passes a step with fewer canary requests than the minimum, whatever the minutes say', () => {
    // Prepare
    const minute = fc.record({
      canary: fc.nat({ max: 24 }),
      stable: fc.nat({ max: 2000 }),
      canaryErrorShare: fc.double({ min: 0, max: 1, noNaN: true }),
      stableErrorShare: fc.double({ min: 0, max: 1, noNaN: true }),
      latency: fc.option(fc.double({ min: 0.001, max: 5, noNaN: true }), { nil: undefined }),
    });

    // Act & Assess
    fc.assert(
      fc.property(fc.array(minute, { minLength: 1, maxLength: 10 }), (minutes) => {
        const sideOf = (pick: 'canary' | 'stable') =>
          minutes.map((m, i) => ({
            at: minuteAt(i),
            requests: m[pick],
            errors: Math.floor(m[pick] * (pick === 'canary' ? m.canaryErrorShare : m.stableErrorShare)),
            ...(m.latency !== undefined && m[pick] > 0 ? { latencySeconds: m.latency } : {}),
          }));
        const verdict = judge.judge({
          canary: sideOf('canary'),
          stable: sideOf('stable'),
          stepStartedAt: minuteAt(0),
          now: minuteAt(minutes.length),
        });
        expect(verdict.outcome).not.toBe('pass');
      }),
    );
  });
});
