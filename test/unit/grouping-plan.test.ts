import { describe, expect, it } from 'vitest';
import { groupingDefaults as options } from '#shared/config/notifications.js';
import type { Alert } from '#shared/notify/alert.js';
import { confirmSent, countedKeyOf, isOver, planFlush, recordAlert } from '#shared/notify/grouping/plan.js';
import type { AlertGroup } from '#shared/notify/grouping/types.js';
import { taskStopAlert } from '#test/support/alerts.js';

const T0 = Date.parse('2026-11-24T12:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

function alert(n: number, overrides: Partial<Alert> = {}): Alert {
  return taskStopAlert({ incidentId: `ecs-task-stop/prod/task${n}`, occurredAt: iso(n), ...overrides });
}

/** Records alerts one after the other, each at its own second. */
function recordAll(arrivals: Array<[number, Alert]>, start?: AlertGroup) {
  let group = start;
  const outcomes = [];
  for (const [second, a] of arrivals) {
    const outcome = recordAlert(group, { alert: a, receiptId: `m-${second}` }, at(second), options);
    outcomes.push(outcome);
    group = outcome.group;
  }
  return { group: group as AlertGroup, outcomes };
}

describe('Alert grouping plan: recording', () => {
  it('remembers an alert by a short url-safe hash of its delivery key', () => {
    // Act
    const key = countedKeyOf(alert(1));

    // Assess
    expect(key).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(countedKeyOf(alert(1, { description: 'other words' }))).toBe(key);
    expect(countedKeyOf(alert(1, { dedupKey: 'batch-1' }))).not.toBe(key);
  });

  it('says what it counted, and asks for one flush per due time', () => {
    // Act
    const { outcomes } = recordAll([
      [0, alert(0)],
      [5, alert(5)],
    ]);

    // Assess
    expect(outcomes[0]).toMatchObject({ counted: true, occurrences: 1, flushAt: at(30) });
    expect(outcomes[1]).toMatchObject({ counted: true, occurrences: 1 });
    expect(outcomes[1]).not.toHaveProperty('flushAt');
  });

  it('counts an alert seen before as nothing, asking again for the flush its group waits for', () => {
    // Prepare
    const { group } = recordAll([[0, alert(0)]]);

    // Act
    const again = recordAlert(group, { alert: alert(0), receiptId: 'm-again' }, at(3), options);
    const afterFlush = recordAlert(
      planFlush(group, at(30), options).group,
      { alert: alert(0), receiptId: 'x' },
      at(31),
      options,
    );

    // Assess
    expect(again).toEqual({ group, counted: false, occurrences: 0, flushAt: at(30) });
    expect(afterFlush).toEqual({ group: expect.any(Object), counted: false, occurrences: 0 });
  });

  it('never dates occurrences after now, and keeps a time given as it was written', () => {
    // Act
    const future = recordAll([[10, alert(0, { occurredAt: iso(500) })]]).group;
    const exact = recordAll([[10, alert(0, { occurredAt: '2026-11-24T12:00:10Z' })]]).group;
    const none = recordAll([[10, alert(0, { occurredAt: undefined })]]).group;

    // Assess
    expect(future.pending).toMatchObject({ firstAt: iso(10), lastAt: iso(10) });
    expect(exact.pending).toMatchObject({ firstAt: '2026-11-24T12:00:10Z', lastAt: '2026-11-24T12:00:10Z' });
    expect(none.pending).toMatchObject({ firstAt: iso(10), lastAt: iso(10) });
  });

  it('widens the waiting span to alerts that arrive out of order, never narrows it', () => {
    // Act
    const { group } = recordAll([
      [20, alert(10)],
      [21, alert(5)],
      [22, alert(15)],
      [23, alert(12)],
    ]);

    // Assess
    expect(group.pending).toMatchObject({ firstAt: iso(5), lastAt: iso(15), count: 4 });
  });

  it('keeps the latest alert time when the clock of a later record is behind', () => {
    // Act
    const { group } = recordAll([
      [100, alert(1)],
      [50, alert(2)],
    ]);

    // Assess
    expect(group.lastAlertAt).toBe(iso(100));
  });

  it('keeps the due time of waiting alerts, even when the flush is late', () => {
    // Prepare: a first message at 30 s makes the next due at 330 s; an alert at 100 s waits for it
    const first = recordAll([[0, alert(0)]]).group;
    const told = planFlush(first, at(30), options).group;
    const waiting = recordAll([[100, alert(100)]], told).group;

    // Act: another alert at 400 s, before the late flush ran
    const late = recordAlert(waiting, { alert: alert(400), receiptId: 'm-400' }, at(400), options);

    // Assess
    expect(waiting.dueAt).toBe(iso(330));
    expect(late.group.dueAt).toBe(iso(330));
    expect(late).not.toHaveProperty('flushAt');
  });

  it('forgets deliveries after an hour, keeping one exactly an hour old', () => {
    // Prepare
    const { group } = recordAll([[0, alert(0)]]);
    const remembered = { ...group, counted: { 'an-hour-old': T0 + 1000, 'older-still': T0 + 999 } };

    // Act
    const { group: after } = recordAll([[3601, alert(3601)]], remembered);

    // Assess
    expect(Object.keys(after.counted).sort()).toEqual(['an-hour-old', countedKeyOf(alert(3601))].sort());
  });

  it('remembers at most 1,000 incidents, dropping the oldest whatever their order', () => {
    // Prepare: 1,000 incidents, the oldest in the middle
    const { group } = recordAll([[0, alert(0)]]);
    const incidents = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`incident-${i}`, i === 500 ? T0 : T0 + 1000 + i]),
    );

    // Act
    const { group: after } = recordAll([[10, alert(10)]], { ...group, incidents });

    // Assess
    expect(Object.keys(after.incidents)).toHaveLength(1000);
    expect(after.incidents['incident-500']).toBeUndefined();
    expect(after.incidents[alert(10).incidentId]).toBe(T0 + 10_000);
    expect(Object.values(after.incidents).every((v, i, all) => i === 0 || (all[i - 1] as number) >= v)).toBe(true);
  });
});

describe('Alert grouping plan: isOver', () => {
  const quiet = (fields: Partial<AlertGroup> = {}): AlertGroup => {
    const told = planFlush(recordAll([[0, alert(0)]]).group, at(30), options).group;
    return {
      ...confirmSent(
        told,
        told.unsent.map((m) => m.dedupKey as string),
      ),
      ...fields,
    };
  };

  it('ends a group quiet for exactly the repeat interval, and not a second before', () => {
    expect(isOver(quiet(), at(options.repeatIntervalSeconds), options)).toBe(true);
    expect(isOver(quiet(), at(options.repeatIntervalSeconds - 1), options)).toBe(false);
  });

  it('never ends a group that still waits to send or to confirm a message', () => {
    const late = at(options.repeatIntervalSeconds * 2);
    const owing = recordAll([[0, alert(0)]]).group;
    expect(isOver({ ...quiet(), pending: owing.pending }, late, options)).toBe(false);
    expect(isOver({ ...quiet(), unsent: [alert(0)] }, late, options)).toBe(false);
  });
});

describe('Alert grouping plan: planFlush', () => {
  it('does nothing for a group with nothing waiting, whenever asked', () => {
    const told = planFlush(recordAll([[0, alert(0)]]).group, at(30), options).group;
    expect(planFlush(told, at(31), options)).toEqual({ group: told });
  });

  it('asks again for the due time of an early flush meant for it, and drops a stale one', () => {
    // Prepare
    const { group } = recordAll([[0, alert(0)]]);

    // Act / Assess
    expect(planFlush(group, at(10), options, iso(30))).toEqual({ group, flushAt: at(30) });
    expect(planFlush(group, at(10), options, iso(20))).toEqual({ group });
  });

  it('makes the next message due one group interval after this one', () => {
    // Act
    const plan = planFlush(recordAll([[0, alert(0)]]).group, at(40), options);

    // Assess
    expect(plan.group).toMatchObject({ messages: 1, lastMessageAt: iso(40), dueAt: iso(340), repeatsNotSent: 0 });
    expect(plan.group).not.toHaveProperty('pending');
  });

  it('sends repeats once the repeat interval has passed exactly, or when nothing was told yet', () => {
    // Prepare: a group whose waiting alerts are all repeats
    const { group } = recordAll([[0, alert(0)]]);
    const repeats = {
      ...group,
      pending: { ...(group.pending as NonNullable<AlertGroup['pending']>), newIncidents: 0 },
    };
    const toldAt = (seconds: number): AlertGroup => ({ ...repeats, messages: 1, lastMessageAt: iso(seconds) });

    // Act
    const neverTold = planFlush(repeats, at(30), options);
    const exactly = planFlush(toldAt(30 - options.repeatIntervalSeconds), at(30), options);
    const tooSoon = planFlush(toldAt(31 - options.repeatIntervalSeconds), at(30), options);

    // Assess
    expect(neverTold.message).toBeDefined();
    expect(exactly.message).toBeDefined();
    expect(tooSoon).toEqual({ group: expect.objectContaining({ repeatsNotSent: 1 }) });
  });
});

describe('Alert grouping plan: confirmSent', () => {
  it('drops only the messages confirmed, by dedup key or else by incident', () => {
    // Prepare
    const { group } = recordAll([[0, alert(0)]]);
    const keyed = alert(1, { dedupKey: 'k1' });
    const bare = alert(2);
    const waiting = { ...group, unsent: [keyed, bare, alert(3)] };

    // Act
    const left = confirmSent(waiting, ['k1', bare.incidentId]);

    // Assess
    expect(left.unsent).toEqual([alert(3)]);
  });
});
