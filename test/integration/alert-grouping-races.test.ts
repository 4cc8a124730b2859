import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { groupingDefaults } from '#shared/config/notifications.js';
import type { Alert } from '#shared/notify/alert.js';
import { groupStateKey, recordGroupedAlerts } from '#shared/notify/grouping/durable.js';
import { groupIdOf } from '#shared/notify/grouping/plan.js';
import type { AlertGroup } from '#shared/notify/grouping/types.js';
import { ensureStateTable, StateStore } from '#shared/state/index.js';
import { taskStopAlert } from '#test/support/alerts.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// Through our proxy, which hands DynamoDB one call at a time: moto alone lets two racing conditional writes both win.
const proxy = await useMotoProxy();
const TABLE = 'ecs-autopilot-test-alert-group-races';
const START = Date.parse('2026-11-26T12:00:00.000Z');
const now = () => new Date(START);
// One attempt a call: a failure reaches the grouping as it is, not after the SDK's own retries.
const client = new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1', maxAttempts: 1 });
const store = new StateStore({ client, tableName: TABLE, now });

/** The n-th stop of one service, each its own incident, in one group. */
const stop = (n: number): Alert =>
  taskStopAlert({ incidentId: `ecs-task-stop/prod/task-${n}`, occurredAt: new Date(START).toISOString() });
const group = groupIdOf(stop(1));
const record = async (n: number) =>
  recordGroupedAlerts(store, group, [{ alert: stop(n), receiptId: `m${n}` }], now, groupingDefaults);

describe('Alert grouping: notifier invocations counting into one group at once (on moto)', () => {
  beforeEach(async () => {
    await ensureStateTable(client, TABLE);
  });

  it('counts every alert of 8 invocations recording at the same moment: none lost to a rival’s write', async () => {
    // Act
    const outcomes = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(record));

    // Assess
    expect(outcomes.map((o) => o.counted)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect((await store.get<AlertGroup>(groupStateKey(group)))?.data.total).toBe(8);
  });

  it('does not retry a write that failed for a reason other than a rival’s, and changes nothing', async () => {
    // Prepare
    await record(1);
    const from = proxy.calls().length;
    proxy.throttle('dynamodb:UpdateItem', 1);

    // Act
    const failure = await record(2).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'ThrottlingException' });
    const calls = proxy
      .calls()
      .slice(from)
      .map((c) => c.operation);
    expect(calls).toEqual(['GetItem', 'UpdateItem']);
    expect((await store.get<AlertGroup>(groupStateKey(group)))?.data.total).toBe(1);
  });
});
