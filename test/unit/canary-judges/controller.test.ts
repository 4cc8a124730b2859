import { describe, expect, it } from 'vitest';
import { canaryPlanner } from '#bench/judge/controller.js';
import { standInSchedule } from '#bench/judge/planner.js';
import { runCanary, runCell, runSeed } from '#bench/judge/run.js';
import { scenarioKeys, scenarios } from '#bench/judge/scenarios.js';
import { defaultNoise } from '#bench/judge/world.js';
import { sequentialJudgeWith } from '#shared/canary/judges/sequential-settings.js';

const judge = sequentialJudgeWith();
const RUNS = 60;
const SEED = 1126;

describe('Benchmark controller: the canary planner behind the simulated canaries', () => {
  it('completes healthy canaries and rolls back a 3× 5xx regression, as the judge decides', () => {
    // Act
    const healthy = runCell(
      scenarios.healthy,
      scenarioKeys.indexOf('healthy'),
      defaultNoise,
      judge,
      canaryPlanner,
      RUNS,
      SEED,
    );
    const errors = runCell(
      scenarios.errors3,
      scenarioKeys.indexOf('errors3'),
      defaultNoise,
      judge,
      canaryPlanner,
      RUNS,
      SEED,
    );

    // Assess
    expect(healthy.completed).toBeGreaterThanOrEqual(0.95);
    expect(errors.rolledBack).toBeGreaterThanOrEqual(0.95);
  });

  it('decides each seeded canary as the stand-in schedule does', () => {
    // Act
    const differing = scenarioKeys.flatMap((key, index) =>
      Array.from({ length: 10 }, (_, run) => run).flatMap((run) => {
        const seed = runSeed(SEED, index, run);
        const planned = runCanary(scenarios[key], defaultNoise, seed, judge, canaryPlanner);
        const standIn = runCanary(scenarios[key], defaultNoise, seed, judge, standInSchedule);
        return planned.result === standIn.result ? [] : [`${key}#${run}: ${planned.result} vs ${standIn.result}`];
      }),
    );

    // Assess
    expect(differing).toEqual([]);
  });
});
