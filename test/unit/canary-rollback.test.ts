import { describe, expect, it } from 'vitest';
import type { JudgeVerdict } from '#shared/canary/judge.js';
import type { TickContext } from '#shared/canary/plan-parts.js';
import { planRollback, startRollback } from '#shared/canary/plan-rollback.js';
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

/** A release rolling back from the canary's current weight, its weights read back. */
function rollingBack(canary: number, fields: Partial<CanaryRecord> = {}): CanaryRecord {
  return pendingRecord({
    phase: 'rolling-back',
    step: 3,
    written: { canary, stable: 100 - canary, at: T0, verified: true, attempts: 1 },
    ...fields,
  });
}

describe('Canary rollback: planRollback', () => {
  it('moves all the weight back at once when the stable side can carry it', () => {
    // Prepare
    const record = rollingBack(50);

    // Act
    const plan = planRollback(context(record, atWeights(50, 50, 5, AT)));

    // Assess
    const reason = 'roll back to 0 % (weights 0/100)';
    expect(plan).toEqual({
      decision: 'roll-back',
      reason,
      intents: [
        {
          kind: 'set-weights',
          before: [
            { targetGroupArn: TG_BLUE, weight: 50 },
            { targetGroupArn: TG_GREEN, weight: 50 },
          ],
          after: [
            { targetGroupArn: TG_BLUE, weight: 100 },
            { targetGroupArn: TG_GREEN, weight: 0 },
          ],
          weights: { canary: 0, stable: 100 },
          basis: { canaryHealthy: 5, canaryNeeded: 0, stableHealthy: 10, stableNeeded: 10 },
          why: reason,
        },
      ],
      next: { ...record, step: -1, written: { canary: 0, stable: 100, at: AT, verified: false, attempts: 1 } },
      gates: [{ gate: 'capacity', ok: true, detail: '10 healthy stable targets of 10: they carry 100 %' }],
    });
  });

  it('steps down to the next lower step a tick when gradual, never to the step it is on', () => {
    // Act
    const fromHalf = planRollback(context(rollingBack(50, { gradual: true }), atWeights(50, 50, 5, AT)));
    const fromStep = planRollback(context(rollingBack(25, { gradual: true }), atWeights(25, 75, 3, AT)));

    // Assess
    expect(fromHalf).toMatchObject({ reason: 'roll back to 25 % (weights 25/75)', next: { step: 2 } });
    expect(fromStep).toMatchObject({ reason: 'roll back to 10 % (weights 10/90)', next: { step: 1 } });
  });

  it('moves only the share the stable side carries, to the step at or below it', () => {
    // Prepare: 6 of 10 stable targets healthy carry 60 %, so the canary keeps 40 %
    const obs = atWeights(50, 50, 5, AT);
    obs.stable.healthyTargets = 6;

    // Act
    const plan = planRollback(context(rollingBack(50), obs));

    // Assess
    expect(plan).toMatchObject({ reason: 'roll back to 40 % (weights 40/60)', next: { step: 2 } });
    expect(plan.gates).toEqual([
      { gate: 'capacity', ok: false, detail: '6 healthy stable targets of 10: they carry 60 %' },
    ]);
  });

  it('passes the capacity gate of a gradual step the stable side can carry without its full capacity', () => {
    // Prepare: 8 of 10 healthy carry 80 %, enough for the 75 % a step down to 25 % gives it
    const obs = atWeights(50, 50, 5, AT);
    obs.stable.healthyTargets = 8;

    // Act
    const plan = planRollback(context(rollingBack(50, { gradual: true }), obs));

    // Assess
    expect(plan.gates).toEqual([
      { gate: 'capacity', ok: true, detail: '8 healthy stable targets of 10: they carry 80 %' },
    ]);
    expect(plan.reason).toBe('roll back to 25 % (weights 25/75)');
  });

  it('writes nothing when the stable side carries exactly what it has now', () => {
    // Prepare
    const obs = atWeights(50, 50, 5, AT);
    obs.stable.healthyTargets = 5;

    // Act
    const plan = planRollback(context(rollingBack(50), obs));

    // Assess
    expect(plan).toMatchObject({ reason: 'waiting for healthy stable targets: 5 of 10 carry 50 %', intents: [] });
    expect(plan).not.toHaveProperty('next');
  });

  it('waits quietly, writing nothing, while the stable side cannot take any weight back', () => {
    // Prepare
    const obs = atWeights(50, 50, 5, AT);
    obs.stable.healthyTargets = 4;

    // Act
    const plan = planRollback(context(rollingBack(50), obs));

    // Assess
    expect(plan).toEqual({
      decision: 'hold',
      reason: 'waiting for healthy stable targets: 4 of 10 carry 40 %',
      intents: [],
      gates: [{ gate: 'capacity', ok: false, detail: '4 healthy stable targets of 10: they carry 40 %' }],
    });
  });

  it('gives the stable side its full capacity back before any weight, measured against the larger of both counts', () => {
    // Prepare: scaled in to 6 since the release began with 10; 12 desired now would be the full capacity instead
    const short = atWeights(50, 50, 5, AT);
    short.stable.desiredCount = 6;
    short.stable.healthyTargets = 6;
    const grown = atWeights(50, 50, 5, AT);
    grown.stable.desiredCount = 12;

    // Act
    const restoring = planRollback(context(rollingBack(50), short));
    const larger = planRollback(context(rollingBack(50), grown));

    // Assess
    expect(restoring.intents[0]).toEqual({
      kind: 'set-desired-count',
      service: 'web-blue',
      from: 6,
      to: 10,
      weightNow: 50,
      why: 'the stable side gets its full capacity back before it takes the traffic back',
    });
    expect(larger.gates[0]?.detail).toBe('10 healthy stable targets of 12: they carry 83 %');
  });

  it('is rolled back once the canary has no weight', () => {
    // Act
    const plan = planRollback(context(rollingBack(0), atWeights(0, 100, 1, AT)));

    // Assess
    expect(plan).toMatchObject({
      decision: 'roll-back',
      reason: 'the canary has no weight: rolled back',
      intents: [],
      next: { phase: 'rolled-back', step: -1, idleSince: AT, reason: 'the canary has no weight: rolled back' },
    });
  });
});

describe('Canary rollback: startRollback', () => {
  const verdict: JudgeVerdict = { outcome: 'fail', reason: 'worse', evidence: { canaryErrors: 50 } };

  it('records why and the evidence, and keeps the rolling-back record when no weight can move yet', () => {
    // Prepare
    const obs = atWeights(50, 50, 5, AT);
    obs.stable.healthyTargets = 4;
    const ramping = pendingRecord({ phase: 'ramping', step: 3 });

    // Act
    const plan = startRollback(context(ramping, obs), 'judge says worse', verdict);

    // Assess
    expect(plan).toMatchObject({
      decision: 'roll-back',
      reason: 'waiting for healthy stable targets: 4 of 10 carry 40 %',
      intents: [],
      verdict,
      next: { phase: 'rolling-back', reason: 'roll back: judge says worse' },
    });
    expect(plan.next?.history.at(-1)).toEqual({
      at: AT,
      by: 'promoter',
      from: 'ramping',
      to: 'rolling-back',
      step: 3,
      reason: 'roll back: judge says worse',
      evidence: { canaryErrors: 50 },
    });
  });

  it('adds no verdict and no evidence when an alarm started it', () => {
    // Act
    const plan = startRollback(
      context(pendingRecord({ phase: 'ramping', step: 3 }), atWeights(50, 50, 5, AT)),
      'alarm',
    );

    // Assess
    expect(plan).not.toHaveProperty('verdict');
    expect(plan.next?.history.at(-1)).not.toHaveProperty('evidence');
    expect(plan.next).toMatchObject({ phase: 'rolling-back', written: { canary: 0, stable: 100 } });
  });
});
