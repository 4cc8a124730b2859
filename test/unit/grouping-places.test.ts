import { describe, expect, it } from 'vitest';
import { groupingDefaults } from '#shared/config/notifications.js';
import { alertDeliveryKey } from '#shared/notify/alert.js';
import { chatThreadIdOf } from '#shared/notify/chatbot.js';
import { groupStateKey } from '#shared/notify/grouping/durable.js';
import { countedKeyOf, groupIdOf, groupIdText, groupKeyOf, recordAlert } from '#shared/notify/grouping/plan.js';
import { outboxMessageGroupOf } from '#shared/notify/outbox.js';
import { taskStopAlert } from '#test/support/alerts.js';

const MEMBER = '222222222222';
const alert = taskStopAlert({ incidentId: 'ecs-task-stops/prod/web/2026-11-24T12:00:00Z' });
const elsewhere = { ...alert, account: MEMBER };

describe('Alert grouping, by place', () => {
  it('keys a group by account, region, cluster, service and kind, and its state record likewise', () => {
    // Act
    const id = groupIdOf(alert);

    // Assess
    expect(groupKeyOf(alert)).toBe('prod/web/task-stopped/out-of-memory');
    expect(id).toEqual({
      groupKey: 'prod/web/task-stopped/out-of-memory',
      place: { account: alert.account, region: alert.region },
    });
    expect(groupIdText(id)).toBe(`${alert.account}/${alert.region}/prod/web/task-stopped/out-of-memory`);
    expect(groupStateKey(id)).toEqual({
      pk: `alert-group/${alert.account}/${alert.region}/prod/web`,
      sk: 'task-stopped/out-of-memory',
    });
    expect(groupStateKey(groupIdOf(elsewhere)).pk).toBe(`alert-group/${MEMBER}/${alert.region}/prod/web`);
  });

  it('reads a group id without a place, as flush requests queued before carried it, as the record stored then', () => {
    // Act
    const key = groupStateKey({ groupKey: 'prod/web/task-stopped/out-of-memory' });

    // Assess
    expect(key).toEqual({ pk: 'alert-group/prod/web', sk: 'task-stopped/out-of-memory' });
  });

  it('opens a group that says where its service lives', () => {
    // Act
    const { group } = recordAlert(undefined, { alert: elsewhere, receiptId: 'r1' }, new Date(), groupingDefaults);

    // Assess
    expect(group).toMatchObject({
      key: `${MEMBER}/${alert.region}/prod/web/task-stopped/out-of-memory`,
      account: MEMBER,
      region: alert.region,
      cluster: 'prod',
      service: 'web',
    });
  });

  it("delivers the same incident of a same-named service elsewhere as another alert, in the outbox's other group", () => {
    // Assess
    expect(alertDeliveryKey(alert)).toBe(`${alert.account}/${alert.region}/${alert.incidentId}`);
    expect(alertDeliveryKey(elsewhere)).not.toBe(alertDeliveryKey(alert));
    expect(countedKeyOf(elsewhere)).not.toBe(countedKeyOf(alert));
    expect(outboxMessageGroupOf(alert)).toBe(`${alert.account}/${alert.region}/prod/web`);
    expect(outboxMessageGroupOf(elsewhere)).not.toBe(outboxMessageGroupOf(alert));
    expect(chatThreadIdOf(alert)).toBe(`${alert.incidentId}@${alert.account}/${alert.region}`);
    expect(chatThreadIdOf(elsewhere)).not.toBe(chatThreadIdOf(alert));
  });
});
