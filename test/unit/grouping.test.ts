import { describe, expect, it } from 'vitest';
import { groupingDefaults } from '#shared/config/notifications.js';
import type { Alert } from '#shared/notify/alert.js';
import { confirmSent, groupKeyOf, planFlush, recordAlert } from '#shared/notify/grouping/plan.js';
import type { AlertGroup } from '#shared/notify/grouping/types.js';
import { taskStopAlert } from '#test/support/alerts.js';

const T0 = Date.parse('2026-11-24T12:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const options = groupingDefaults;

/** The n-th task failure of prod/web: its own task, its own incident. */
function failure(n: number, overrides: Partial<Alert> = {}): Alert {
  const id = `task${String(n).padStart(4, '0')}`;
  return taskStopAlert({
    incidentId: `ecs-task-stop/prod/${id}`,
    title: `prod/web: task ${id} stopped (out of memory)`,
    occurredAt: at(n).toISOString(),
    ...overrides,
  });
}

/** Feeds alerts (at their second) and runs every flush when due, as the flush queue would; returns what was sent. */
function simulate(arrivals: { second: number; alert: Alert; receiptId?: string }[], until: number) {
  let group: AlertGroup | undefined;
  const sent: { second: number; message: Alert }[] = [];
  let flushAt: number | undefined;
  const byTime = [...arrivals].sort((a, b) => a.second - b.second);
  for (let second = 0; second <= until; second++) {
    for (const { alert, receiptId } of byTime.filter((a) => a.second === second)) {
      const outcome = recordAlert(group, { alert, receiptId: receiptId ?? alert.incidentId }, at(second), options);
      group = outcome.group;
      if (outcome.flushAt) flushAt = Math.ceil((outcome.flushAt.getTime() - T0) / 1000);
    }
    if (group && flushAt !== undefined && second >= flushAt) {
      const plan = planFlush(group, at(second), options);
      flushAt = plan.flushAt ? Math.ceil((plan.flushAt.getTime() - T0) / 1000) : undefined;
      group = plan.message ? confirmSent(plan.group, [plan.message.dedupKey as string]) : plan.group;
      if (plan.message) sent.push({ second, message: plan.message });
    }
  }
  return { sent, group };
}

const alertCount = (message: Alert) => Number(message.facts?.find((f) => f.label === 'Alerts')?.value ?? 1);

describe('Alert grouping', () => {
  it('keys a group by cluster, service and kind', () => {
    // Assess
    expect(groupKeyOf(failure(1))).toBe('prod/web/task-stopped/out-of-memory');
  });

  it('sends a lone alert as it is, after the group wait, in its own thread', () => {
    // Act
    const { sent } = simulate([{ second: 0, alert: failure(0) }], 600);

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]?.second).toBe(30);
    expect(sent[0]?.message).toMatchObject({ title: failure(0).title, incidentId: failure(0).incidentId });
    expect(sent[0]?.message.facts).toBeUndefined();
  });

  it('turns 300 failures in ten minutes into three messages whose counts add up to 300, all in one thread', () => {
    // Prepare: one failure every two seconds from 12:00:00.
    const arrivals = Array.from({ length: 300 }, (_, n) => ({ second: n * 2, alert: failure(n * 2) }));

    // Act
    const { sent, group } = simulate(arrivals, 1200);

    // Assess
    expect(sent.map((s) => s.second)).toEqual([30, 330, 630]);
    expect(sent.map((s) => alertCount(s.message))).toEqual([16, 150, 134]);
    expect(sent.reduce((sum, s) => sum + alertCount(s.message), 0)).toBe(300);
    expect(new Set(sent.map((s) => s.message.incidentId))).toEqual(new Set([failure(0).incidentId]));
    expect(sent.map((s) => s.message.dedupKey)).toEqual([1, 2, 3].map((n) => `${failure(0).incidentId}#${n}`));
    expect(group?.total).toBe(300);
    expect(sent[2]?.message.title).toBe('prod/web: 134 alerts of task-stopped/out-of-memory');
    expect(sent[2]?.message.description).toContain(
      '300 alerts since 2026-11-24 12:00:00 UTC, 166 told in earlier messages',
    );
  });

  it('says when the summarised alerts began and ended, and shows the worst of them as the example', () => {
    // Prepare
    const arrivals = [
      { second: 0, alert: failure(0, { severity: 'warning' }) },
      { second: 5, alert: failure(5, { severity: 'critical', title: 'prod/web: the worst one' }) },
      { second: 9, alert: failure(9, { severity: 'critical', title: 'prod/web: a later critical one' }) },
    ];

    // Act
    const { sent } = simulate(arrivals, 60);

    // Assess
    const message = sent[0]?.message as Alert;
    expect(message.severity).toBe('critical');
    expect(message.facts).toEqual([
      { label: 'Alerts', value: '3' },
      { label: 'First', value: '2026-11-24 12:00:00 UTC' },
      { label: 'Last', value: '2026-11-24 12:00:09 UTC' },
      { label: 'In thread', value: '3' },
    ]);
    expect(message.description).toContain('(2 critical, 1 warning)');
    expect(message.description).toContain('*Worst example:* prod/web: the worst one');
    expect(message.keywords).toContain('grouped');
  });

  it('counts a redelivered record once', () => {
    // Prepare
    const alert = failure(1);
    const arrivals = [
      { second: 1, alert, receiptId: 'message-1' },
      { second: 2, alert: failure(2), receiptId: 'message-2' },
      { second: 3, alert, receiptId: 'message-1' },
    ];

    // Act
    const { sent, group } = simulate(arrivals, 60);

    // Assess
    expect(group?.total).toBe(2);
    expect(alertCount(sent[0]?.message as Alert)).toBe(2);
  });

  it('sums the occurrences each alert stands for, keeping the first and last of them and the worst example', () => {
    // Prepare: two batches of stops (7 and 3, told by their first and last stop) and one lone alert.
    const batch = (n: number, count: number, first: number, last: number, severity: Alert['severity']) =>
      failure(n, {
        severity,
        title: `prod/web: ${count} tasks stopped`,
        occurrences: { count, firstAt: at(first).toISOString(), lastAt: at(last).toISOString() },
      });
    const arrivals = [
      { second: 4, alert: batch(4, 7, 1, 4, 'warning') },
      { second: 9, alert: batch(9, 3, 6, 9, 'critical') },
      { second: 12, alert: failure(12, { severity: 'warning' }) },
    ];

    // Act
    const { sent, group } = simulate(arrivals, 60);

    // Assess
    expect(sent).toHaveLength(1);
    expect(group?.total).toBe(11);
    expect(sent[0]?.message.facts).toEqual([
      { label: 'Alerts', value: '11' },
      { label: 'First', value: '2026-11-24 12:00:01 UTC' },
      { label: 'Last', value: '2026-11-24 12:00:12 UTC' },
      { label: 'In thread', value: '11' },
    ]);
    expect(sent[0]?.message.description).toContain('(3 critical, 8 warning)');
    expect(sent[0]?.message.description).toContain('*Worst example:* prod/web: 3 tasks stopped');
  });

  it('adds the occurrences of an alert queued again under a new record once', () => {
    // Prepare: a batch of 10 stops reported, then reported again by a retry after the outbox forgot it.
    const alert = failure(1, {
      dedupKey: 'stops-of-batch-1',
      occurrences: { count: 10, firstAt: at(0).toISOString(), lastAt: at(1).toISOString() },
    });
    const arrivals = [
      { second: 1, alert, receiptId: 'message-1' },
      { second: 2, alert: failure(2), receiptId: 'message-2' },
      { second: 20, alert: { ...alert, description: 'reported again by the retry' }, receiptId: 'message-3' },
    ];

    // Act
    const { sent, group } = simulate(arrivals, 60);

    // Assess
    expect(group?.total).toBe(11);
    expect(alertCount(sent[0]?.message as Alert)).toBe(11);
  });

  it('tells the later batches of one incident at each group interval: their stops are new, not repeats', () => {
    // Prepare: one thread of stops (the incident of a service's window), a batch of 25 every 100 s.
    const arrivals = [0, 100, 200, 400].map((second) => ({
      second,
      alert: failure(second, {
        incidentId: 'ecs-task-stops/prod/web/2026-11-24T12:00:00.000Z',
        dedupKey: `stops-of-batch-at-${second}`,
        occurrences: { count: 25, firstAt: at(second).toISOString(), lastAt: at(second).toISOString() },
      }),
    }));

    // Act
    const { sent, group } = simulate(arrivals, 700);

    // Assess
    expect(sent.map((s) => [s.second, alertCount(s.message)])).toEqual([
      [30, 25],
      [330, 50],
      [630, 25],
    ]);
    expect(group?.repeatsNotSent).toBe(0);
  });

  it('leaves repeats of an incident already told out until the repeat interval has passed', () => {
    // Prepare: the same incident reported every minute for five hours.
    const incident = failure(0);
    const arrivals = Array.from({ length: 300 }, (_, n) => ({
      second: n * 60,
      alert: { ...incident, dedupKey: `${incident.incidentId}#${n}`, occurredAt: at(n * 60).toISOString() },
      receiptId: `message-${n}`,
    }));

    // Act
    const { sent } = simulate(arrivals, 300 * 60);

    // Assess: the first at group wait, one repeat once 4 h have passed since it.
    expect(sent.map((s) => s.second)).toEqual([30, 30 + 4 * 3600 + 30]);
    expect(sent[1]?.message.description).toContain('repeats left out');
  });

  it('opens a new group, with a new thread, when the last one was quiet for the repeat interval', () => {
    // Prepare
    const later = options.repeatIntervalSeconds + 100;
    const arrivals = [
      { second: 0, alert: failure(0) },
      { second: later, alert: failure(later) },
    ];

    // Act
    const { sent } = simulate(arrivals, later + 60);

    // Assess
    expect(sent.map((s) => s.message.incidentId)).toEqual([failure(0).incidentId, failure(later).incidentId]);
    expect(sent.map((s) => s.second)).toEqual([30, later + 30]);
  });

  it('sends a new alert at once when the group interval has passed since the last message', () => {
    // Prepare
    const arrivals = [
      { second: 0, alert: failure(0) },
      { second: 1000, alert: failure(1000) },
    ];

    // Act
    const { sent } = simulate(arrivals, 1100);

    // Assess
    expect(sent.map((s) => s.second)).toEqual([30, 1000]);
    expect(sent[1]?.message.incidentId).toBe(failure(0).incidentId);
  });

  it('keeps a planned message until it is confirmed sent, so a retried flush sends it again', () => {
    // Prepare
    const { group } = recordAlert(undefined, { alert: failure(0), receiptId: 'm0' }, at(0), options);

    // Act
    const plan = planFlush(group, at(30), options);
    const retried = planFlush(plan.group, at(31), options);

    // Assess
    expect(plan.group.unsent).toEqual([plan.message]);
    expect(retried.message).toBeUndefined();
    expect(retried.group.unsent).toEqual([plan.message]);
    expect(confirmSent(retried.group, [plan.message?.dedupKey as string]).unsent).toEqual([]);
  });

  it('answers a flush that comes early with the time it is due', () => {
    // Prepare
    const { group } = recordAlert(undefined, { alert: failure(0), receiptId: 'm0' }, at(0), options);

    // Act
    const plan = planFlush(group, at(10), options);

    // Assess
    expect(plan.message).toBeUndefined();
    expect(plan.flushAt).toEqual(at(30));
  });
});
