import { describe, expect, it } from 'vitest';
import { planCanaryTick } from '#shared/canary/plan.js';
import {
  applyPlan,
  atWeights,
  canaryConfig,
  judge,
  observation,
  pendingRecord,
  ramping,
  runTicks,
  T0,
} from '#test/support/canary-builders.js';

const config = canaryConfig();

describe('Planner: planCanaryTick, tick after tick', () => {
  it('promotes a good canary 5 → 100 and scales the old side in only after weight 0 and the delay', () => {
    // Act
    const { record, plans, obs } = runTicks(config, { record: pendingRecord(), obs: observation() }, 40);

    // Assess
    const written = plans.flatMap((p) =>
      p.intents.filter((i) => i.kind === 'set-weights').map((i) => i.weights.canary),
    );
    expect(written).toEqual([5, 10, 25, 50, 100]);
    expect(record).toMatchObject({ phase: 'done', idleScaledDown: true });
    expect(obs.stable.desiredCount).toBe(0);
    expect(obs.canary.desiredCount).toBe(10);
    const scaleIn = plans.findIndex((p) => p.decision === 'scale-down');
    const done = plans.findIndex((p) => p.intents.some((i) => i.kind === 'set-weights' && i.weights.stable === 0));
    expect(scaleIn - done).toBeGreaterThanOrEqual(1);
  });

  it('applies the rollback to the canary side, then scales it in once its weight 0 is verified', () => {
    // Prepare
    const start = { record: ramping(2, [25, 75]), obs: atWeights(25, 75, 3) };
    start.obs.alarms = [{ name: 'web-5xx', state: 'ALARM' }];

    // Act
    const { record, obs } = runTicks(config, start, 5);

    // Assess
    expect(record).toMatchObject({ phase: 'rolled-back', idleScaledDown: true });
    expect(obs.canary.desiredCount).toBe(0);
    expect(obs.stable.desiredCount).toBe(10);
  });

  it('confirms a write that landed before its record said so', () => {
    // Prepare
    const record = {
      ...ramping(4, [100, 0]),
      written: { canary: 100, stable: 0, at: T0, verified: false, attempts: 1 },
    };

    // Act
    const result = planCanaryTick({ config, record, observation: atWeights(100, 0, 10), judge: judge(config) });
    const after = applyPlan(config, record, atWeights(100, 0, 10), result);

    // Assess
    expect(result.decision).toBe('complete');
    expect(after.record.phase).toBe('done');
  });
});
