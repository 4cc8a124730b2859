import { describe, expect, it } from 'vitest';
import { startRelease } from '#shared/canary/commands.js';
import { planCanaryTick } from '#shared/canary/plan.js';
import type { CanaryObservation } from '#shared/canary/types.js';
import {
  canaryConfig,
  judge,
  observation,
  pendingRecord,
  runTicks,
  side,
  TD_OLD,
  TG_GREEN,
} from '#test/support/canary-builders.js';

const config = canaryConfig();
const BLUE_TARGET = { resourceId: 'service/prod/web-blue', min: 2, max: 20 };

/** A release promoted to done with web-blue's scalable target at min 2, max 20, and its old side scaled in. */
function completedRelease() {
  const obs = observation({ stable: side({ scalableTarget: BLUE_TARGET }) });
  return runTicks(config, { record: pendingRecord(), obs }, 40);
}

describe('Planner: canary sides under Application Auto Scaling', () => {
  it("lowers the old side's scalable-target minimum to 0 with its scale-in, keeps its max and records its bounds", () => {
    // Act
    const { record, obs, plans } = completedRelease();

    // Assess
    const scaleIn = plans.find((p) => p.decision === 'scale-down');
    expect(scaleIn?.intents.map((i) => i.kind)).toEqual(['set-scalable-target-bounds', 'set-desired-count']);
    expect(scaleIn?.intents[0]).toMatchObject({
      service: 'web-blue',
      resourceId: 'service/prod/web-blue',
      from: { min: 2, max: 20 },
      to: { min: 0, max: 20 },
    });
    expect(record).toMatchObject({ phase: 'done', scalableBounds: { 'web-blue': { min: 2, max: 20 } } });
    expect(obs.stable).toMatchObject({ desiredCount: 0, scalableTarget: { min: 0, max: 20 } });
    expect(
      plans
        .slice(0, -1)
        .flatMap((p) => p.intents)
        .some((i) => i.kind === 'set-scalable-target-bounds'),
    ).toBe(false);
  });

  it('restores those bounds on the side that is the canary at the next release before scaling it, then forgets them', () => {
    // Prepare: release 2 goes the other way; web-blue is the idle side, its minimum still 0
    const done = completedRelease();
    const next = startRelease(
      config,
      done.record,
      { now: done.obs.now, forward: done.obs.forward, sides: [done.obs.stable, done.obs.canary], alarms: [] },
      { taskDefinition: TD_OLD, by: 'cli:test' },
    );
    const obs: CanaryObservation = { ...done.obs, canary: done.obs.stable, stable: done.obs.canary };

    // Act
    const first = planCanaryTick({ config, record: next, observation: obs, judge: judge(config) });
    const run = runTicks(config, { record: next, obs }, 4);

    // Assess
    expect(next).toMatchObject({
      canary: { service: 'web-blue' },
      scalableBounds: { 'web-blue': { min: 2, max: 20 } },
    });
    expect(first.intents.map((i) => i.kind)).toEqual(['set-scalable-target-bounds', 'set-desired-count']);
    expect(first.intents[0]).toMatchObject({ service: 'web-blue', from: { min: 0, max: 20 }, to: { min: 2, max: 20 } });
    expect(run.record.phase).toBe('ramping');
    expect(run.record.scalableBounds).toBeUndefined();
    expect(run.obs.canary.scalableTarget).toMatchObject({ min: 2, max: 20 });
  });

  it('leaves alone a minimum someone set since the scale-in, and never raises a lowered maximum', () => {
    // Prepare
    const record = pendingRecord({ scalableBounds: { 'web-green': { min: 4, max: 20 } } });
    const canary = (scalableTarget: { min: number; max: number }) =>
      side({
        service: 'web-green',
        targetGroupArn: TG_GREEN,
        desiredCount: 0,
        healthyTargets: 0,
        scalableTarget: { resourceId: 'service/prod/web-green', ...scalableTarget },
      });
    const plan = (obs: CanaryObservation) => planCanaryTick({ config, record, observation: obs, judge: judge(config) });

    // Act
    const setSince = plan(observation({ canary: canary({ min: 1, max: 20 }) }));
    const maxLowered = plan(observation({ canary: canary({ min: 0, max: 3 }) }));

    // Assess
    expect(setSince.intents.map((i) => i.kind)).toEqual(['set-task-definition', 'set-desired-count']);
    expect(maxLowered.intents[0]).toMatchObject({ from: { min: 0, max: 3 }, to: { min: 3, max: 3 } });
  });
});
