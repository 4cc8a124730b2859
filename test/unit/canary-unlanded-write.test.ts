import { describe, expect, it } from 'vitest';
import { abortRelease } from '#shared/canary/commands.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryObservation } from '#shared/canary/types.js';
import { atWeights, pendingRecord, ramping, T0 } from '#test/support/canary-builders.js';
import { AT, fixed, tick } from '#test/support/canary-tick.js';

/** Ramping at 25 % (step 2), its write of 25/75 never read back: the rule still holds 10/90. */
const unlandedPromotion = (attempts = 1): CanaryRecord => ({
  ...ramping(2, [25, 75]),
  written: { canary: 25, stable: 75, at: T0, verified: false, attempts },
});

const firing = (obs: CanaryObservation): CanaryObservation => ({
  ...obs,
  alarms: [{ name: 'web-5xx', state: 'ALARM' }],
});

const weightWrites = (plan: ReturnType<typeof tick>) =>
  plan.intents.flatMap((i) => (i.kind === 'set-weights' ? [`${i.weights.canary}/${i.weights.stable}`] : []));

describe('Canary tick: a weight write that never read back does not outrank a rollback', () => {
  it('rolls back from the weights read when a gate alarm fires, never writing the unread promotion again', () => {
    // Act
    const plan = tick(unlandedPromotion(), firing(atWeights(10, 90, 3, AT)));

    // Assess
    expect(plan).toMatchObject({ decision: 'roll-back', next: { phase: 'rolling-back' } });
    expect(weightWrites(plan)).toEqual(['0/100']);
    expect(plan.next?.written).toEqual({ canary: 0, stable: 100, at: AT, verified: false, attempts: 1 });
  });

  it('rolls back when the judge fails, even with the write’s attempts spent', () => {
    // Act
    const plan = tick(unlandedPromotion(3), atWeights(10, 90, 3, AT), fixed('fail', 'errors doubled'));

    // Assess
    expect(plan).toMatchObject({ decision: 'roll-back', reason: 'roll back to 0 % (weights 0/100)' });
    expect(weightWrites(plan)).toEqual(['0/100']);
  });

  it('carries out an operator’s abort from the weights read, at once or a step down when gradual', () => {
    // Prepare
    const aborted = abortRelease(unlandedPromotion(), 'web', false, AT, 'alice');
    const gradual = abortRelease(unlandedPromotion(), 'web', true, AT, 'alice');

    // Act
    const now = tick(aborted, atWeights(10, 90, 3, AT));
    const stepDown = tick(gradual, atWeights(10, 90, 3, AT));

    // Assess
    expect(weightWrites(now)).toEqual(['0/100']);
    expect(weightWrites(stepDown)).toEqual(['5/95']);
  });

  it('waits for the canary’s capacity before writing the unread promotion again', () => {
    // Prepare: 25 % of 10 stable tasks needs 3 canary targets; one of them stopped being healthy
    const obs = atWeights(10, 90, 3, AT);
    obs.canary.healthyTargets = 2;

    // Act
    const plan = tick(unlandedPromotion(), obs);

    // Assess
    expect(plan).toMatchObject({
      decision: 'hold',
      reason: 'waiting for 3 healthy canary targets before 25 % (have 2)',
    });
    expect(weightWrites(plan)).toEqual([]);
    expect(plan.next).toBeUndefined();
  });

  it('counts a rollback write that never read back as attempts of that write, and pauses once they are spent', () => {
    // Prepare
    const unread = (attempts: number) =>
      pendingRecord({
        phase: 'rolling-back',
        step: 2,
        written: { canary: 0, stable: 100, at: T0, verified: false, attempts },
      });

    // Act
    const retry = tick(unread(1), atWeights(25, 75, 3, AT));
    const spent = tick(unread(3), atWeights(25, 75, 3, AT));

    // Assess
    expect(retry).toMatchObject({
      decision: 'hold',
      reason: 'weights 0/100 not read back yet: writing them again (attempt 2)',
    });
    expect(weightWrites(retry)).toEqual(['0/100']);
    expect(retry.next?.written).toEqual({ canary: 0, stable: 100, at: AT, verified: false, attempts: 2 });
    expect(spent).toMatchObject({
      decision: 'pause',
      reason: 'weights 0/100 written 3 times never read back (read 25/75)',
    });
  });

  it('ends an abort whose first weight never landed as rolled back, on the weights the rule holds', () => {
    // Prepare: the start's write of 5/95 never read back; the rule still sends everything to the stable side
    const started = {
      ...ramping(0, [5, 95]),
      written: { canary: 5, stable: 95, at: T0, verified: false, attempts: 1 },
    };
    const aborted = abortRelease(started, 'web', false, AT, 'alice');

    // Act
    const plan = tick(aborted, atWeights(0, 100, 3, AT));
    const after = plan.next && tick(plan.next, atWeights(0, 100, 3, AT));

    // Assess
    expect(plan).toMatchObject({ decision: 'roll-back', reason: 'the canary has no weight: rolled back' });
    expect(weightWrites(plan)).toEqual([]);
    expect(plan.next).toMatchObject({
      phase: 'rolled-back',
      written: { canary: 0, stable: 100, at: AT, verified: true, attempts: 0 },
    });
    // the canary side is no longer held back from its scale-in by weights that were never there
    expect(after?.reason).toBe('web-green scales in 60 s after its weight 0 (delay 60 s)');
  });
});
