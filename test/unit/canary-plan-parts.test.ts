import { describe, expect, it } from 'vitest';
import { confirmWeights, overloadOf, secondsBetween } from '#shared/canary/plan-parts.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryIntent } from '#shared/canary/types.js';
import { canaryConfig, pendingRecord, T0, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';

const config = canaryConfig();
const AT = '2026-11-24T10:05:00.000Z';

function setWeights(
  canary: number,
  stable: number,
  basis: { canaryHealthy: number; canaryNeeded: number; stableHealthy: number; stableNeeded: number },
): CanaryIntent {
  return {
    kind: 'set-weights',
    before: [],
    after: [
      { targetGroupArn: TG_BLUE, weight: stable },
      { targetGroupArn: TG_GREEN, weight: canary },
    ],
    weights: { canary, stable },
    basis,
    why: 'test',
  };
}

const enough = { canaryHealthy: 3, canaryNeeded: 3, stableHealthy: 8, stableNeeded: 8 };

describe('Canary plan parts: overloadOf', () => {
  it('finds nothing wrong with more weight on either side when it has exactly the healthy targets needed', () => {
    expect(overloadOf(setWeights(25, 75, enough), { canary: 10, stable: 90 })).toBeUndefined();
    expect(overloadOf(setWeights(0, 100, enough), { canary: 50, stable: 50 })).toBeUndefined();
  });

  it('refuses more weight onto a canary short of healthy targets, with the numbers', () => {
    expect(overloadOf(setWeights(25, 75, { ...enough, canaryHealthy: 2 }), { canary: 10, stable: 90 })).toBe(
      'the canary has 2 healthy targets, 3 needed for its weight',
    );
  });

  it('refuses more weight onto a stable side short of healthy targets, with the numbers', () => {
    expect(overloadOf(setWeights(0, 100, { ...enough, stableHealthy: 7 }), { canary: 50, stable: 50 })).toBe(
      'the stable side has 7 healthy targets, 8 needed for its weight',
    );
  });

  it('lets a side short of healthy targets keep or lose weight', () => {
    const short = { canaryHealthy: 0, canaryNeeded: 3, stableHealthy: 0, stableNeeded: 8 };
    expect(overloadOf(setWeights(10, 90, short), { canary: 10, stable: 90 })).toBeUndefined();
    expect(overloadOf(setWeights(5, 85, short), { canary: 10, stable: 90 })).toBeUndefined();
  });

  it('judges only weight writes', () => {
    const scale: CanaryIntent = {
      kind: 'set-desired-count',
      service: 'web-green',
      from: 0,
      to: 1,
      weightNow: 0,
      why: 'x',
    };
    expect(overloadOf(scale, { canary: 0, stable: 100 })).toBeUndefined();
  });
});

describe('Canary plan parts: confirmWeights', () => {
  const written = (canary: number, stable: number) => ({ canary, stable, at: T0, verified: false, attempts: 1 });
  const at = (fields: Partial<CanaryRecord>) => pendingRecord({ phase: 'ramping', ...fields });

  it('leaves a record with nothing written as it is', () => {
    const { written: _none, ...record } = pendingRecord();
    expect(confirmWeights(record, config, AT)).toBe(record);
  });

  it('only marks the weights verified before the last step, or at the last step while stable keeps weight', () => {
    // Prepare
    const early = at({ step: 3, written: written(100, 0) });
    const lastWithStable = at({ step: 4, written: written(99, 1) });

    // Act / Assess
    expect(confirmWeights(early, config, AT)).toEqual({ ...early, written: { ...written(100, 0), verified: true } });
    expect(confirmWeights(lastWithStable, config, AT).phase).toBe('ramping');
  });

  it('completes the release at the last step once the stable side has no weight and the canary has some', () => {
    // Prepare
    const record = at({ step: 4, written: written(100, 0) });

    // Act
    const confirmed = confirmWeights(record, config, AT);

    // Assess
    expect(confirmed).toMatchObject({
      phase: 'done',
      idleSince: AT,
      reason: 'the canary takes 100 % (weights 100/0 read back)',
      written: { verified: true },
    });
    expect(confirmWeights(at({ step: 4, written: written(0, 0) }), config, AT).phase).toBe('ramping');
  });

  it('ends a rollback once the canary has no weight, and not before', () => {
    // Prepare
    const back = pendingRecord({ phase: 'rolling-back', step: 2, written: written(0, 100) });
    const halfway = pendingRecord({ phase: 'rolling-back', step: 2, written: written(10, 90) });

    // Act
    const ended = confirmWeights(back, config, AT);

    // Assess
    expect(ended).toMatchObject({
      phase: 'rolled-back',
      step: -1,
      idleSince: AT,
      reason: 'the stable side takes all traffic again (weights 0/100 read back)',
    });
    expect(ended.history.at(-1)).toMatchObject({ at: AT, by: 'promoter', from: 'rolling-back', to: 'rolled-back' });
    expect(confirmWeights(halfway, config, AT)).toMatchObject({ phase: 'rolling-back', written: { verified: true } });
  });
});

describe('Canary plan parts: secondsBetween', () => {
  it('counts the seconds from one time to a later one', () => {
    expect(secondsBetween(T0, AT)).toBe(300);
  });
});
