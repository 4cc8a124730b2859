import { describe, expect, it } from 'vitest';
import { alerted, stampTick, unalertedDecision } from '#shared/canary/tick-record.js';
import type { CanaryTickPlan } from '#shared/canary/types.js';
import { pendingRecord, T0 } from '#test/support/canary-builders.js';

const LATER = '2026-11-24T10:01:00.000Z';
const plan = (decision: CanaryTickPlan['decision'], reason: string, critical = false): CanaryTickPlan => ({
  decision,
  reason,
  intents: [],
  gates: [],
  ...(critical ? { critical } : {}),
});

describe('A recorded decision whose alert is not queued yet', () => {
  it('is pending from the write that records a decision worth an alert, with its time, until marked', () => {
    // Act
    const paused = stampTick(pendingRecord(), plan('pause', 'weights changed by hand', true), pendingRecord(), T0, 'a');

    // Assess
    expect(paused.unalerted).toEqual({ at: T0, decision: 'pause', reason: 'weights changed by hand', critical: true });
    expect(alerted(paused).unalerted).toBeUndefined();
    expect(alerted(paused).lastTick).toEqual(paused.lastTick);
  });

  it('is left as it was by a quiet decision, and replaced by the next decision worth an alert', () => {
    // Prepare
    const promoted = stampTick(pendingRecord(), plan('promote', 'promote to 50 %'), pendingRecord(), T0, 'a');

    // Act
    const held = stampTick(promoted, plan('hold', 'baking'), promoted, LATER, 'b');
    const rolledBack = stampTick(held, plan('roll-back', 'roll back to 0 %'), held, LATER, 'c');

    // Assess
    expect(held.unalerted).toEqual({ at: T0, decision: 'promote', reason: 'promote to 50 %' });
    expect(rolledBack.unalerted).toEqual({ at: LATER, decision: 'roll-back', reason: 'roll back to 0 %' });
    expect(stampTick(pendingRecord(), plan('hold', 'baking'), pendingRecord(), T0, 'd').unalerted).toBeUndefined();
  });

  it('is reported under its own time by any tick but the one it excepts', () => {
    // Prepare
    const paused = stampTick(pendingRecord(), plan('pause', 'stuck', true), pendingRecord(), T0, 'a');

    // Act
    const later = unalertedDecision(paused, LATER);
    const any = unalertedDecision(paused);

    // Assess
    expect(later).toEqual({
      at: T0,
      plan: { decision: 'pause', reason: 'stuck', intents: [], gates: [], critical: true },
    });
    expect(any).toEqual(later);
    expect(unalertedDecision(paused, T0)).toBeUndefined();
    expect(unalertedDecision(alerted(paused))).toBeUndefined();
  });
});
