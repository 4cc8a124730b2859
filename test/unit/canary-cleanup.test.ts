import { describe, expect, it } from 'vitest';
import type { TickContext } from '#shared/canary/plan-parts.js';
import { planCleanup } from '#shared/canary/plan-rollback.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryObservation } from '#shared/canary/types.js';
import { atWeights, canaryConfig, pendingRecord, T0, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';

const config = canaryConfig();
const AT = '2026-11-24T10:05:00.000Z';

function context(record: CanaryRecord, obs: CanaryObservation): TickContext {
  const byArn = new Map(obs.forward?.targetGroups.map((tg) => [tg.targetGroupArn, tg.weight]));
  const pair = { canary: byArn.get(TG_GREEN) ?? 0, stable: byArn.get(TG_BLUE) ?? 0, others: 0 };
  return { config, record, obs, pair, gates: [] };
}

describe('Canary rollback: planCleanup', () => {
  const done = (fields: Partial<CanaryRecord> = {}) =>
    pendingRecord({ phase: 'done', step: 4, reason: 'released', idleSince: T0, ...fields });
  const rolledBack = (fields: Partial<CanaryRecord> = {}) =>
    pendingRecord({ phase: 'rolled-back', step: -1, reason: 'rolled back', idleSince: T0, ...fields });

  it('does nothing more once the idle side was scaled in', () => {
    expect(planCleanup(context(done({ idleScaledDown: true }), atWeights(100, 0, 10, AT)))).toEqual({
      decision: 'idle',
      reason: 'released',
      intents: [],
      gates: [],
    });
  });

  it('never scales in a side that still has weight, loudly, nor one whose weight 0 is not read back yet', () => {
    // Act
    const weighted = planCleanup(context(done(), atWeights(90, 10, 10, AT)));
    const unread = planCleanup(
      context(
        done({ written: { canary: 100, stable: 0, at: T0, verified: false, attempts: 1 } }),
        atWeights(100, 0, 10, AT),
      ),
    );

    // Assess
    expect(weighted).toEqual({
      decision: 'hold',
      reason: 'web-blue still has weight 10: it is not scaled in',
      intents: [],
      gates: [],
      critical: true,
    });
    expect(unread).toMatchObject({
      decision: 'hold',
      reason: 'web-blue still has weight 0: it is not scaled in',
      critical: false,
    });
  });

  it('waits for the longer of its own delay and the deregistration delay, counting from the verified weight 0', () => {
    // Prepare: 60 s configured, 90 s deregistration delay, idle since 10:00:00, now 10:01:00
    const obs = atWeights(100, 0, 10, '2026-11-24T10:01:00.000Z');
    obs.stable.deregistrationDelaySeconds = 90;

    // Act
    const plan = planCleanup(context(done(), obs));

    // Assess
    expect(plan).toEqual({
      decision: 'hold',
      reason: 'web-blue scales in 30 s after its weight 0 (delay 90 s)',
      intents: [],
      gates: [],
    });
  });

  it('scales the stable side in after a release once the delay has passed exactly', () => {
    // Prepare
    const record = done();

    // Act
    const plan = planCleanup(context(record, atWeights(100, 0, 10, '2026-11-24T10:01:00.000Z')));

    // Assess
    const reason = 'web-blue has had weight 0 for 60 s: scale it in to 0 tasks';
    expect(plan).toEqual({
      decision: 'scale-down',
      reason,
      intents: [{ kind: 'set-desired-count', service: 'web-blue', from: 10, to: 0, weightNow: 0, why: reason }],
      // Claimed first: the scale-in and its reason; scaled in only once its writes landed
      next: { ...record, scaleDown: { at: '2026-11-24T10:01:00.000Z', reason } },
      landed: {
        ...record,
        scaleDown: { at: '2026-11-24T10:01:00.000Z', reason },
        idleScaledDown: true,
        reason: 'released; web-blue scaled in',
      },
      gates: [],
    });
  });

  it('finishes a scale-in an earlier tick claimed and did not land, as that one, without waiting again', () => {
    // Prepare: the tick a minute ago claimed the scale-in and failed before its write landed (10 tasks left)
    const reason = 'web-blue has had weight 0 for 60 s: scale it in to 0 tasks';
    const record = { ...done(), scaleDown: { at: '2026-11-24T10:01:00.000Z', reason } };

    // Act
    const plan = planCleanup(context(record, atWeights(100, 0, 10, '2026-11-24T10:02:00.000Z')));

    // Assess
    expect(plan).toMatchObject({
      decision: 'scale-down',
      reason,
      intents: [{ kind: 'set-desired-count', service: 'web-blue', from: 10, to: 0 }],
      next: { scaleDown: { at: '2026-11-24T10:01:00.000Z', reason } },
      landed: { idleScaledDown: true, reason: 'released; web-blue scaled in' },
    });
    expect(plan.next?.idleScaledDown).toBeUndefined();
  });

  it('marks as scaled in a scale-in whose write landed on a tick that failed after it, reporting it as that one', () => {
    // Prepare: the claimed scale-in landed (0 tasks) but its tick failed before recording it
    const reason = 'web-blue has had weight 0 for 60 s: scale it in to 0 tasks';
    const record = { ...done(), scaleDown: { at: '2026-11-24T10:01:00.000Z', reason } };
    const obs = atWeights(100, 0, 10, '2026-11-24T10:02:00.000Z');
    obs.stable.desiredCount = 0;

    // Act
    const plan = planCleanup(context(record, obs));

    // Assess
    expect(plan).toEqual({
      decision: 'scale-down',
      reason,
      intents: [],
      next: { ...record, idleScaledDown: true, reason: 'released; web-blue scaled in' },
      gates: [],
    });
  });

  it('scales the canary side in after a rollback, waiting from now when no idle time was recorded', () => {
    // Act
    const fresh = planCleanup(context(rolledBack({ idleSince: undefined }), atWeights(0, 100, 3, AT)));
    const later = planCleanup(context(rolledBack(), atWeights(0, 100, 3, AT)));

    // Assess
    expect(fresh.reason).toBe('web-green scales in 60 s after its weight 0 (delay 60 s)');
    expect(later).toMatchObject({
      decision: 'scale-down',
      intents: [{ kind: 'set-desired-count', service: 'web-green', from: 3, to: 0 }],
    });
  });

  it('scales in after a release that never recorded a write', () => {
    // Prepare
    const { written: _none, ...record } = done();

    // Act
    const plan = planCleanup(context(record, atWeights(100, 0, 10, '2026-11-24T10:01:00.000Z')));

    // Assess
    expect(plan.decision).toBe('scale-down');
  });

  it('lowers the scalable-target minimum of a side that has no tasks left, remembering it for the next release', () => {
    // Prepare
    const obs = atWeights(0, 100, 0, AT);
    obs.canary.scalableTarget = { resourceId: 'service/prod/web-green', min: 2, max: 10 };

    // Act
    const plan = planCleanup(context(rolledBack(), obs));

    // Assess
    expect(plan).toMatchObject({
      decision: 'scale-down',
      reason: 'rolled back; web-green has no tasks',
      intents: [{ kind: 'set-scalable-target-bounds', service: 'web-green', to: { min: 0, max: 10 } }],
      next: { scalableBounds: { 'web-green': { min: 2, max: 10 } } },
      landed: { idleScaledDown: true, scalableBounds: { 'web-green': { min: 2, max: 10 } } },
    });
    expect(plan.next?.idleScaledDown).toBeUndefined();
  });

  it('marks a side that already has no tasks as scaled in, writing nothing', () => {
    // Prepare
    const record = rolledBack();

    // Act
    const plan = planCleanup(context(record, atWeights(0, 100, 0, AT)));

    // Assess
    expect(plan).toEqual({
      decision: 'idle',
      reason: 'rolled back; web-green has no tasks',
      intents: [],
      next: { ...record, idleScaledDown: true, reason: 'rolled back; web-green has no tasks' },
      gates: [],
    });
  });
});
