import { describe, expect, it } from 'vitest';
import { decisionToReport, stampTick, unsureWhetherLanded } from '#shared/canary/tick-record.js';
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
