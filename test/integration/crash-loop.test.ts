import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { crashLoopDefaults } from '#shared/config/notifications.js';
import { ensureStateTable, StateLedger } from '#shared/state/index.js';
import type { StopClassification } from '#shared/tasks/classify.js';
import { countServiceStops, type ServiceStops } from '#shared/tasks/crash-loop/hook.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// Through our proxy, which hands DynamoDB one call at a time: moto alone lets two racing conditional writes both win.
const proxy = await useMotoProxy();
const TABLE = 'ecs-autopilot-test-state';
const NOW = new Date('2026-11-24T12:03:00.000Z');
const failed: StopClassification = {
  kind: 'essential-container-exited',
  severity: 'critical',
  routine: false,
  summary: 'exit 1',
};

/** One invocation's report: one stop of `prod/web` (desired 6: threshold 3). */
function stopOf(n: number, classification = failed, now = NOW): ServiceStops {
  return {
    cluster: 'prod',
    service: 'web',
    region: 'us-east-1',
    account: '111122223333',
    desiredCount: 6,
    dryRun: false,
    now,
    stops: [
      {
        taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/task${n}`,
        classification,
        stoppedReason: `Essential container in task exited (task ${n % 2})`,
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:43',
        startedBy: 'ecs-svc/2222222222222222222',
      },
    ],
  };
}

/** The alerts waiting on prod/web's counter, as the table holds them. */
async function waitingOnCounter(): Promise<number> {
  const client = new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1' });
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { pk: { S: 'crash-loop/prod/web' }, sk: { S: 'failed-stops' } },
      ConsistentRead: true,
    }),
  );
  return Item?.['pending-alerts']?.SS?.length ?? 0;
}

describe('Crash-loop counter', () => {
  let store: StateLedger;

  beforeEach(async () => {
    const client = new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1' });
    await ensureStateTable(client, TABLE);
    store = new StateLedger({ client, tableName: TABLE, now: () => NOW });
  });

  it('raises one critical alert when 20 concurrent invocations report failed stops of one service', async () => {
    // Act
    const notices = await Promise.all(
      Array.from({ length: 20 }, (_, n) => countServiceStops(store, stopOf(n), crashLoopDefaults)),
    );

    // Assess
    const raised = notices.flat().map((n) => n.alert);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ severity: 'critical', kind: 'task-stopped/crash-loop' });
    expect(raised[0]?.facts).toContainEqual({ label: 'Threshold', value: '3' });
  });

  it('counts a stop once however many events and containers report it', async () => {
    // Act
    const first = await countServiceStops(store, stopOf(1), crashLoopDefaults);
    const again = await Promise.all([1, 1, 1, 1].map((n) => countServiceStops(store, stopOf(n), crashLoopDefaults)));
    const second = await countServiceStops(store, stopOf(2), crashLoopDefaults);
    const third = await countServiceStops(store, stopOf(3), crashLoopDefaults);

    // Assess
    expect([first, ...again, second]).toEqual([[], [], [], [], [], []]);
    expect(third.map((n) => n.alert.title)).toEqual(['prod/web: crash loop, 3 failed tasks in 10 min']);
  });

  it('leaves stops made on purpose out of the count', async () => {
    // Prepare
    const scaleIn: StopClassification = { kind: 'scale-in', severity: 'info', routine: true, summary: 'scale-in' };

    // Act
    const notices = await Promise.all(
      Array.from({ length: 5 }, (_, n) => countServiceStops(store, stopOf(n, scaleIn), crashLoopDefaults)),
    );

    // Assess
    expect(notices.flat()).toEqual([]);
  });

  it('counts stops of the previous half window, but not older ones', async () => {
    // Prepare: two failures 7 minutes ago, one 12 minutes ago.
    const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000);
    const storeAt = (when: Date) =>
      new StateLedger({
        client: new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1' }),
        tableName: TABLE,
        now: () => when,
      });
    await countServiceStops(storeAt(at(12)), stopOf(10, failed, at(12)), crashLoopDefaults);
    await countServiceStops(storeAt(at(7)), stopOf(11, failed, at(7)), crashLoopDefaults);

    // Act
    const third = await countServiceStops(store, stopOf(12), crashLoopDefaults);
    const fourth = await countServiceStops(store, stopOf(13), crashLoopDefaults);

    // Assess
    expect(third).toEqual([]);
    expect(fourth[0]?.alert.facts).toContainEqual({ label: 'Failed tasks', value: '3' });
  });

  it('keeps an alert it could not queue on the counter: the redelivered stop finds it, and it is taken off once queued', async () => {
    // Prepare: the third stop raised the alert, which could not be queued
    for (const n of [1, 2]) await countServiceStops(store, stopOf(n), crashLoopDefaults);
    const [raised] = await countServiceStops(store, stopOf(3), crashLoopDefaults);
    await raised?.unqueued();

    // Act: the third stop redelivered, twice at once, then once more after its alert was queued
    const redelivered = await Promise.all([3, 3].map((n) => countServiceStops(store, stopOf(n), crashLoopDefaults)));
    await redelivered[0]?.[0]?.queued();
    const afterQueued = await countServiceStops(store, stopOf(3), crashLoopDefaults);
    const nextStop = await countServiceStops(store, stopOf(4), crashLoopDefaults);

    // Assess: the same alert both times (the outbox's de-duplication keeps one), then nothing more
    expect(redelivered.map((r) => r.map((n) => n.alert))).toEqual([[raised?.alert], [raised?.alert]]);
    expect(await waitingOnCounter()).toBe(0);
    expect(afterQueued).toEqual([]);
    expect(nextStop).toEqual([]);
  });

  it('takes off unsent an alert that waited longer than the counter lives', async () => {
    // Prepare: raised and left waiting 12:03; the counter lives twice the 10-minute window
    for (const n of [1, 2]) await countServiceStops(store, stopOf(n), crashLoopDefaults);
    const [raised] = await countServiceStops(store, stopOf(3), crashLoopDefaults);
    await raised?.unqueued();
    const waitingBefore = await waitingOnCounter();
    const later = new Date(NOW.getTime() + 21 * 60_000);
    const laterStore = new StateLedger({
      client: new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1' }),
      tableName: TABLE,
      now: () => later,
    });

    // Act
    const first = await countServiceStops(laterStore, stopOf(20, failed, later), crashLoopDefaults);
    const second = await countServiceStops(laterStore, stopOf(20, failed, later), crashLoopDefaults);

    // Assess
    expect(waitingBefore).toBe(1);
    expect(first).toEqual([]);
    expect(second).toEqual([]);
    expect(await waitingOnCounter()).toBe(0);
  });
});
