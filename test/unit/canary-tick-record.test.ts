import { describe, expect, it } from 'vitest';
import type { CanaryRecord } from '#shared/canary/status.js';
import {
  alerted,
  decisionToReport,
  droppedAlerts,
  isPending,
  maxPendingAlerts,
  pendingAlerts,
  stampTick,
  unalertedDecisions,
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

describe('Recorded decisions whose alerts are not queued yet', () => {
  const LATEST = '2026-11-24T10:02:00.000Z';
  // what each alert reads of the record as its decision left it: here, the builder's pending record
  const left = { phase: 'pending', step: -1, transitions: 0 } as const;

  it('are pending from the write that records a decision worth an alert, with its time, until marked', () => {
    // Act
    const paused = stampTick(pendingRecord(), plan('pause', 'weights changed by hand', true), pendingRecord(), T0, 'a');

    // Assess
    expect(paused.unalerted).toEqual([
      { at: T0, decision: 'pause', reason: 'weights changed by hand', critical: true, ...left },
    ]);
    expect(isPending(paused, T0)).toBe(true);
    expect(isPending(paused, LATER)).toBe(false);
    expect(alerted(paused, [T0])).not.toHaveProperty('unalerted');
    expect(alerted(paused, [T0]).lastTick).toEqual(paused.lastTick);
    expect(alerted(paused, [LATER])).toEqual(paused);
  });

  it('are left as they were by a quiet decision, and joined by the next decision worth an alert, oldest first', () => {
    // Prepare
    const promoted = stampTick(pendingRecord(), plan('promote', 'promote to 50 %'), pendingRecord(), T0, 'a');

    // Act
    const held = stampTick(promoted, plan('hold', 'baking'), promoted, LATER, 'b');
    const rolledBack = stampTick(held, plan('roll-back', 'roll back to 0 %'), held, LATER, 'c');

    // Assess
    expect(held.unalerted).toEqual([{ at: T0, decision: 'promote', reason: 'promote to 50 %', ...left }]);
    expect(rolledBack.unalerted).toEqual([
      { at: T0, decision: 'promote', reason: 'promote to 50 %', ...left },
      { at: LATER, decision: 'roll-back', reason: 'roll back to 0 %', ...left },
    ]);
    expect(stampTick(pendingRecord(), plan('hold', 'baking'), pendingRecord(), T0, 'd').unalerted).toBeUndefined();
    expect(stampTick(pendingRecord(), plan('idle', 'done'), pendingRecord(), T0, 'e').unalerted).toBeUndefined();
    expect(stampTick(pendingRecord(), plan('hold', 'stuck', true), pendingRecord(), T0, 'f').unalerted).toHaveLength(1);
    // marking one leaves the other pending
    expect(alerted(rolledBack, [T0]).unalerted).toEqual([
      { at: LATER, decision: 'roll-back', reason: 'roll back to 0 %', ...left },
    ]);
  });

  it("hold a retry's decision in the place of its own tick's, and at most the latest few", () => {
    // Prepare
    const promoted = stampTick(pendingRecord(), plan('promote', 'promote to 50 %'), pendingRecord(), T0, 'a');
    const many = Array.from({ length: maxPendingAlerts + 2 }, (_, i) => new Date(Date.parse(T0) + i * 60_000));

    // Act: a retry of the same tick deciding again; then more alerting ticks than are kept
    const retried = stampTick(promoted, plan('pause', 'stuck', true), promoted, T0, 'b');
    const full = many.reduce(
      (record, at, i) => stampTick(record, plan('promote', `step ${i}`), record, at.toISOString(), `t${i}`),
      pendingRecord(),
    );

    // Assess
    expect(retried.unalerted).toEqual([{ at: T0, decision: 'pause', reason: 'stuck', critical: true, ...left }]);
    expect(full.unalerted).toHaveLength(maxPendingAlerts);
    expect(full.unalerted?.[0]?.reason).toBe('step 2');
    expect(full.unalerted?.at(-1)?.reason).toBe(`step ${maxPendingAlerts + 1}`);
    // what a newer decision pushed out of the full list, and nothing for a quiet one
    const more = stampTick(full, plan('promote', 'one more'), full, LATER, 'x');
    expect(droppedAlerts(full, more)).toEqual([full.unalerted?.[0]]);
    expect(droppedAlerts(full, stampTick(full, plan('hold', 'baking'), full, LATER, 'y'))).toEqual([]);
    expect(droppedAlerts(promoted, retried)).toEqual([]);
  });

  it('are reported under their own times, oldest first, by any tick but the one it excepts', () => {
    // Prepare
    const paused = stampTick(pendingRecord(), plan('pause', 'stuck', true), pendingRecord(), T0, 'a');
    const both = stampTick(paused, plan('roll-back', 'roll back to 0 %'), paused, LATER, 'b');

    // Act
    const atLatest = unalertedDecisions(both, LATEST);
    const atLater = unalertedDecisions(both, LATER);

    // Assess
    expect(atLatest.map(({ at, plan }) => ({ at, plan }))).toEqual([
      { at: T0, plan: { decision: 'pause', reason: 'stuck', intents: [], gates: [], critical: true } },
      { at: LATER, plan: { decision: 'roll-back', reason: 'roll back to 0 %', intents: [], gates: [] } },
    ]);
    expect(unalertedDecisions(both)).toEqual(atLatest);
    expect(atLater).toEqual(atLatest.slice(0, 1));
    expect([isPending(both, T0), isPending(both, LATER), isPending(both, LATEST)]).toEqual([true, true, false]);
    expect(unalertedDecisions(alerted(both, [T0, LATER]))).toEqual([]);
  });

  it('are each reported with the phase, step and count of transitions the record had when decided', () => {
    // Prepare: a step at T0 to 5 %, then a pause at LATER that moved the record on
    const moved = (at: string, to: CanaryRecord['phase'], step: number) =>
      ({ at, by: 'promoter', from: 'ramping', to, step, reason: to }) as const;
    const ramping = pendingRecord({ phase: 'ramping', step: 0, history: [moved(T0, 'ramping', 0)] });
    const stepped = stampTick(ramping, plan('start', 'start at 5 %'), ramping, T0, 'a');
    const pausedRecord = {
      ...stepped,
      phase: 'paused',
      step: 1,
      history: [...stepped.history, moved(LATER, 'paused', 1)],
    };
    const paused = stampTick(pausedRecord as CanaryRecord, plan('pause', 'stuck', true), stepped, LATER, 'b');

    // Act
    const [start, pause] = unalertedDecisions(paused, LATEST);

    // Assess
    expect([start?.record.phase, start?.record.step, start?.record.history]).toEqual(['ramping', 0, ramping.history]);
    expect([pause?.record.phase, pause?.record.step, pause?.record.history.length]).toEqual(['paused', 1, 2]);
    // the rest is the record as it is now
    expect(start?.record.lastTick).toEqual(paused.lastTick);
    expect(start?.record.name).toBe('web');
  });

  it('are read from a record of the earlier form, which kept one decision and no list', () => {
    // Prepare: as a record written before the list was stored
    const earlier = { ...pendingRecord(), unalerted: { at: T0, decision: 'start', reason: 'start at 5 %' } };
    const record = earlier as unknown as ReturnType<typeof pendingRecord>;

    // Act
    const next = stampTick(record, plan('promote', 'promote to 50 %'), record, LATER, 'b');

    // Assess
    expect(pendingAlerts(record)).toEqual([{ at: T0, decision: 'start', reason: 'start at 5 %' }]);
    expect(unalertedDecisions(record, LATER).map((d) => d.plan.decision)).toEqual(['start']);
    // its alert reads the record as it is: the earlier form kept nothing of the record as the decision left it
    expect(unalertedDecisions(record, LATER)[0]?.record).toEqual(record);
    expect(next.unalerted?.map((p) => p.decision)).toEqual(['start', 'promote']);
    expect(alerted(record, [T0])).not.toHaveProperty('unalerted');
  });
});
