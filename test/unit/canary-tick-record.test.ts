import { describe, expect, it } from 'vitest';
import {
  alerted,
  decisionToReport,
  stampTick,
  unalertedDecision,
  unsureWhetherLanded,
} from '#shared/canary/tick-record.js';
import type { CanaryTickPlan } from '#shared/canary/types.js';
import { type AuditRecord, auditErrorOf } from '#shared/executor/audit.js';
import { VerificationFailedError } from '#shared/executor/errors.js';
import { ForwardActionChangedError } from '#shared/executor/forward-kinds.js';
import { pendingRecord, T0 } from '#test/support/canary-builders.js';

const LATER = '2026-11-24T10:01:00.000Z';
const plan = (decision: CanaryTickPlan['decision'], reason: string, critical = false): CanaryTickPlan => ({
  decision,
  reason,
  intents: [],
  gates: [],
  ...(critical ? { critical } : {}),
});
const promoted = stampTick(pendingRecord(), plan('promote', 'promote to 50 %'), pendingRecord(), T0, 'first');

describe('Canary tick record', () => {
  it('remembers what the tick decided, with its id and time', () => {
    // Assess
    expect(promoted.lastTick).toEqual({ at: T0, id: 'first', decision: 'promote', reason: 'promote to 50 %' });
  });

  it("keeps an earlier attempt's decision when a retry of the same tick only holds, under the retry's id", () => {
    // Act
    const retried = stampTick(promoted, plan('hold', 'baking: 0 of 10 min'), promoted, T0, 'retry');

    // Assess
    expect(retried.lastTick).toEqual({ at: T0, id: 'retry', decision: 'promote', reason: 'promote to 50 %' });
  });

  it('records a later tick as its own, quiet or not, and a critical hold as critical', () => {
    // Act
    const later = stampTick(promoted, plan('hold', 'baking'), promoted, LATER, 'later');
    const paused = stampTick(promoted, plan('hold', 'stuck', true), promoted, T0, 'retry');

    // Assess
    expect(later.lastTick).toMatchObject({ at: LATER, decision: 'hold', reason: 'baking' });
    expect(paused.lastTick).toMatchObject({ decision: 'hold', reason: 'stuck', critical: true });
  });

  it('reports again what an earlier attempt of the same tick decided, and nothing of another tick', () => {
    // Act
    const same = decisionToReport(plan('hold', 'baking'), promoted, T0);
    const other = decisionToReport(plan('hold', 'baking'), promoted, LATER);

    // Assess
    expect(same).toMatchObject({ decision: 'promote', reason: 'promote to 50 %' });
    expect(other).toMatchObject({ decision: 'hold', reason: 'baking' });
  });

  it('is unsure whether a weight write landed only when AWS or the network failed it', () => {
    // Prepare
    const write = (outcome: AuditRecord['outcome'], error?: Error) =>
      ({ outcome, ...(error ? { error: auditErrorOf(error) } : {}) }) as AuditRecord;
    const timeout = Object.assign(new Error('a request has exceeded the configured 500 ms requestTimeout'), {
      name: 'TimeoutError',
    });

    // Act & Assess
    expect(unsureWhetherLanded(write('failed', timeout))).toBe(true);
    expect(unsureWhetherLanded(write('failed', new VerificationFailedError('read back 5/95')))).toBe(false);
    expect(unsureWhetherLanded(write('failed', new ForwardActionChangedError('changed')))).toBe(false);
    expect(unsureWhetherLanded(write('applied'))).toBe(false);
    expect(unsureWhetherLanded(write('blocked'))).toBe(false);
  });
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
