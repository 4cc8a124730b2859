import { describe, expect, it } from 'vitest';
import { forgetScalableBounds, lowerScalableMinimum, restoreScalableMinimum } from '#shared/canary/plan-scaling.js';
import { pendingRecord, side } from '#test/support/canary-builders.js';

const target = (min: number, max: number) => ({ resourceId: 'service/prod/web-blue', min, max });

describe('Planner: a side scaled in to 0 under Application Auto Scaling', () => {
  it('lowers the minimum to 0, keeps the maximum, says why and records the original bounds beside the others', () => {
    // Prepare
    const record = pendingRecord({ scalableBounds: { 'web-green': { min: 1, max: 4 } } });

    // Act
    const lowered = lowerScalableMinimum(record, side({ scalableTarget: target(2, 20) }));

    // Assess
    expect(lowered).toEqual({
      intents: [
        {
          kind: 'set-scalable-target-bounds',
          service: 'web-blue',
          resourceId: 'service/prod/web-blue',
          from: { min: 2, max: 20 },
          to: { min: 0, max: 20 },
          why: 'web-blue goes to 0 tasks: its scalable-target minimum of 2 would have Application Auto Scaling scale it back up (restored at its next release)',
        },
      ],
      scalableBounds: { 'web-green': { min: 1, max: 4 }, 'web-blue': { min: 2, max: 20 } },
    });
  });

  it('writes and records nothing for a side without a scalable target or whose minimum is already 0', () => {
    // Assess
    expect(lowerScalableMinimum(pendingRecord(), side())).toEqual({ intents: [] });
    expect(lowerScalableMinimum(pendingRecord(), side({ scalableTarget: target(0, 20) }))).toEqual({ intents: [] });
  });
});

describe('Planner: a scaled-in side taking traffic again', () => {
  const record = pendingRecord({ scalableBounds: { 'web-blue': { min: 2, max: 20 } } });

  it('puts the original minimum back under the current maximum, and says why', () => {
    // Assess
    expect(restoreScalableMinimum(record, side({ scalableTarget: target(0, 30) }))).toEqual({
      kind: 'set-scalable-target-bounds',
      service: 'web-blue',
      resourceId: 'service/prod/web-blue',
      from: { min: 0, max: 30 },
      to: { min: 2, max: 30 },
      why: 'web-blue takes traffic again: its scalable-target minimum goes back to 2, as before it was scaled in',
    });
    expect(restoreScalableMinimum(record, side({ scalableTarget: target(0, 1) }))).toMatchObject({
      to: { min: 1, max: 1 },
    });
  });

  it('restores nothing without recorded bounds, without a scalable target, once the minimum moved, or to a maximum of 0', () => {
    // Assess
    expect(restoreScalableMinimum(pendingRecord(), side({ scalableTarget: target(0, 20) }))).toBeUndefined();
    expect(restoreScalableMinimum(record, side())).toBeUndefined();
    expect(restoreScalableMinimum(record, side({ scalableTarget: target(1, 20) }))).toBeUndefined();
    expect(restoreScalableMinimum(record, side({ scalableTarget: target(0, 0) }))).toBeUndefined();
  });

  it("forgets only that side's bounds, and the record's bounds altogether with the last side", () => {
    // Prepare
    const both = pendingRecord({
      scalableBounds: { 'web-blue': { min: 2, max: 20 }, 'web-green': { min: 1, max: 4 } },
    });

    // Assess
    expect(forgetScalableBounds(both, 'web-blue')).toEqual({ scalableBounds: { 'web-green': { min: 1, max: 4 } } });
    expect(forgetScalableBounds(record, 'web-blue')).toEqual({ scalableBounds: undefined });
    expect(forgetScalableBounds(record, 'web-green')).toEqual({});
    expect(forgetScalableBounds(pendingRecord(), 'web-blue')).toEqual({});
  });
});
