import { describe, expect, it } from 'vitest';
import type { Alert } from '#shared/notify/alert.js';
import { groupMessage, readableTime } from '#shared/notify/grouping/summary.js';
import type { AlertGroup, PendingAlerts } from '#shared/notify/grouping/types.js';

const worst: Alert = {
  incidentId: 'ecs-task/prod/web/task1',
  severity: 'critical',
  kind: 'task-stopped/out-of-memory',
  title: 'prod/web: task ran out of memory',
  description: 'Container app was killed.',
  nextSteps: ['Raise the memory limit.'],
  keywords: ['out-of-memory', 'grouped-before'],
  cluster: 'prod',
  service: 'web',
  region: 'us-east-1',
  account: '111122223333',
  links: [],
  relatedResources: Array.from({ length: 25 }, (_, i) => `arn:aws:ecs:us-east-1:111122223333:task/prod/t${i}`),
  dryRun: false,
  occurredAt: '2026-11-24T12:00:00.000Z',
};

function group(more: Partial<AlertGroup> = {}): AlertGroup {
  return {
    key: 'prod/web/task-stopped',
    cluster: 'prod',
    service: 'web',
    kind: 'task-stopped',
    threadId: 'thread-1',
    openedAt: '2026-11-24T11:50:00.000Z',
    lastAlertAt: '2026-11-24T12:05:00.000Z',
    total: 1,
    repeatsNotSent: 0,
    messages: 0,
    dueAt: '2026-11-24T12:06:00.000Z',
    counted: {},
    incidents: {},
    unsent: [],
    ...more,
  };
}

function pending(count: number, bySeverity = { critical: count, warning: 0, info: 0 }): PendingAlerts {
  return {
    count,
    newIncidents: count,
    firstAt: '2026-11-24T12:00:00.000Z',
    lastAt: '2026-11-24T12:05:09.123Z',
    bySeverity,
    worst,
  };
}

describe('Grouping: the message a group sends', () => {
  it('reads a time as a person does', () => {
    // Assess
    expect(readableTime('2026-11-24T12:05:09.123Z')).toBe('2026-11-24 12:05:09 UTC');
  });

  it("sends a group's first and only alert as it is, in the group's thread, numbered 1", () => {
    // Act
    const message = groupMessage(group(), pending(1));

    // Assess
    expect(message).toEqual({ ...worst, incidentId: 'thread-1', dedupKey: 'thread-1#1' });
  });

  it('sums up several alerts: how many, where, of which severity, what the thread told before and the worst example', () => {
    // Prepare: 9 in the thread, 2 left out as repeats, 3 waiting, so 4 were told earlier.
    const waiting = pending(3, { critical: 1, warning: 0, info: 2 });

    // Act
    const message = groupMessage(
      group({ total: 9, repeatsNotSent: 2, messages: 2, account: '111122223333', region: 'us-east-1' }),
      waiting,
    );

    // Assess
    expect(message).toEqual({
      ...worst,
      incidentId: 'thread-1',
      dedupKey: 'thread-1#3',
      title: 'prod/web: 3 alerts of task-stopped',
      description: [
        '*Grouped:* 3 alerts of kind `task-stopped` for `prod/web` (account 111122223333, us-east-1) between 2026-11-24 12:00:00 UTC and 2026-11-24 12:05:09 UTC (1 critical, 2 info).',
        '*In this thread:* 9 alerts since 2026-11-24 11:50:00 UTC, 4 told in earlier messages, 2 repeats left out.',
        '*Worst example:* prod/web: task ran out of memory',
        'Container app was killed.',
      ].join('\n'),
      keywords: ['out-of-memory', 'grouped-before', 'grouped'],
      relatedResources: worst.relatedResources.slice(0, 20),
      occurredAt: '2026-11-24T12:05:09.123Z',
      facts: [
        { label: 'Alerts', value: '3' },
        { label: 'First', value: '2026-11-24 12:00:00 UTC' },
        { label: 'Last', value: '2026-11-24 12:05:09 UTC' },
        { label: 'In thread', value: '9' },
      ],
    });
  });

  it('says one alert in the singular, leaves out what the thread and a group stored without its place did not have, and names the group once among the keywords', () => {
    // Act
    const later = groupMessage(group({ total: 1, messages: 1 }), pending(1, { critical: 0, warning: 1, info: 0 }));
    const keywords = groupMessage(group({ total: 2 }), {
      ...pending(2),
      worst: { ...worst, keywords: ['grouped'] },
    }).keywords;

    // Assess
    expect(later.title).toBe('prod/web: 1 alert of task-stopped');
    expect(later.description.split('\n').slice(0, 2)).toEqual([
      '*Grouped:* 1 alert of kind `task-stopped` for `prod/web` between 2026-11-24 12:00:00 UTC and 2026-11-24 12:05:09 UTC (1 warning).',
      '*In this thread:* 1 alert since 2026-11-24 11:50:00 UTC.',
    ]);
    expect(keywords).toEqual(['grouped']);
  });
});
