import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { groupingDefaults } from '#shared/config/notifications.js';
import type { Alert } from '#shared/notify/alert.js';
import { flushGroup, groupStateKey, recordGroupedAlerts } from '#shared/notify/grouping/durable.js';
import { flushGroupRequest } from '#shared/notify/grouping/flush.js';
import { groupIdOf, groupIdText } from '#shared/notify/grouping/plan.js';
import { GROUP_MESSAGE_ATTRIBUTE } from '#shared/notify/grouping/queues.js';
import type { AlertGroup } from '#shared/notify/grouping/types.js';
import { ensureStateTable, StateStore } from '#shared/state/index.js';
import { taskStopAlert } from '#test/support/alerts.js';

const TABLE = 'ecs-autopilot-test-alert-groups';
const client = new DynamoDBClient({ endpoint: inject('motoEndpoint'), region: 'us-east-1' });
const START = Date.parse('2026-11-26T12:00:00.000Z');
let clock = START;
const now = () => new Date(clock);
const store = new StateStore({ client, tableName: TABLE, now });
const options = groupingDefaults;

/** The n-th stop of one service, each its own incident. */
const stop = (n: number): Alert =>
  taskStopAlert({ incidentId: `ecs-task-stop/prod/task-${n}`, occurredAt: new Date(START).toISOString() });
const group = groupIdOf(stop(1));
const stored = () => store.get<AlertGroup>(groupStateKey(group));

function flushDeps(send = vi.fn(async (_message: Alert) => undefined)) {
  return { send, deps: { store, now, options, send, logger: { info: vi.fn() } } };
}

// moto is reset before each test: the table is made again.
beforeEach(async () => {
  clock = START;
  await ensureStateTable(client, TABLE);
});

describe('Function: recordGroupedAlerts', () => {
  it('counts a batch of one group in one record, kept past the repeat and group intervals by an hour, and asks for its flush', async () => {
    // Act
    const outcome = await recordGroupedAlerts(
      store,
      group,
      [1, 2, 3].map((n) => ({ alert: stop(n), receiptId: `m${n}` })),
      now,
      options,
    );

    // Assess
    const due = new Date(START + options.groupWaitSeconds * 1000);
    expect(outcome).toEqual({ counted: 3, occurrences: 3, flushAt: due });
    const record = await stored();
    expect(record?.data).toMatchObject({ total: 3, messages: 0, dueAt: due.toISOString() });
    expect(record?.expiresAt).toBe(START / 1000 + options.repeatIntervalSeconds + options.groupIntervalSeconds + 3600);
  });

  it('counts a redelivered batch as nothing, and leaves the record as it was', async () => {
    // Prepare
    const batch = [{ alert: stop(1), receiptId: 'm1' }];
    await recordGroupedAlerts(store, group, batch, now, options);
    const before = await stored();

    // Act
    const outcome = await recordGroupedAlerts(store, group, batch, now, options);

    // Assess
    expect(outcome.counted).toBe(0);
    expect(outcome.occurrences).toBe(0);
    expect((await stored())?.data.total).toBe(before?.data.total);
  });
});

describe('Function: flushGroup', () => {
  it('sends nothing for a group it does not know', async () => {
    // Prepare
    const { send, deps } = flushDeps();

    // Act
    const outcome = await flushGroup({ ...group, flushAt: new Date(START).toISOString() }, deps);

    // Assess
    expect(outcome).toEqual({ sent: [] });
    expect(send).not.toHaveBeenCalled();
  });

  it('sends nothing before the group is due: asks again for a request of the due time, and drops a stale one', async () => {
    // Prepare
    await recordGroupedAlerts(store, group, [{ alert: stop(1), receiptId: 'm1' }], now, options);
    const due = new Date(START + options.groupWaitSeconds * 1000);
    const { send, deps } = flushDeps();

    // Act
    const early = await flushGroup({ ...group, flushAt: due.toISOString() }, deps);
    const stale = await flushGroup({ ...group, flushAt: new Date(START).toISOString() }, deps);

    // Assess
    expect(early).toEqual({ sent: [], flushAt: due });
    expect(stale).toEqual({ sent: [] });
    expect(send).not.toHaveBeenCalled();
  });

  it('sends the due message once, logs it, and keeps nothing owed once it is sent', async () => {
    // Prepare
    await recordGroupedAlerts(
      store,
      group,
      [1, 2].map((n) => ({ alert: stop(n), receiptId: `m${n}` })),
      now,
      options,
    );
    clock = START + options.groupWaitSeconds * 1000;
    const dueAt = new Date(clock).toISOString();
    const { send, deps } = flushDeps();

    // Act
    const first = await flushGroup({ ...group, flushAt: dueAt }, deps);
    const again = await flushGroup({ ...group, flushAt: dueAt }, deps);

    // Assess
    expect(first.sent).toHaveLength(1);
    expect(first.planned).toEqual(first.sent[0]);
    expect(first.sent[0]?.title).toBe('prod/web: 2 alerts of task-stopped/out-of-memory');
    expect(deps.logger.info).toHaveBeenCalledWith(`group message sent: ${first.sent[0]?.title}`, {
      groupKey: expect.stringContaining('prod/web/task-stopped/out-of-memory'),
      dedupKey: first.sent[0]?.dedupKey,
      threadId: first.sent[0]?.incidentId,
    });
    expect(again).toEqual({ sent: [] });
    expect(send).toHaveBeenCalledTimes(1);
    expect((await stored())?.data.unsent).toEqual([]);
  });

  it('keeps a message whose sending failed, and the next flush sends it again', async () => {
    // Prepare
    await recordGroupedAlerts(
      store,
      group,
      [1, 2].map((n) => ({ alert: stop(n), receiptId: `m${n}` })),
      now,
      options,
    );
    clock = START + options.groupWaitSeconds * 1000;
    const request = { ...group, flushAt: new Date(clock).toISOString() };
    const failing = flushDeps(vi.fn(async () => Promise.reject(new Error('outbox unavailable'))));
    const retry = flushDeps();

    // Act
    const error = await flushGroup(request, failing.deps).catch((e) => e);
    const owedAfterFailure = (await stored())?.data.unsent;
    const outcome = await flushGroup(request, retry.deps);

    // Assess
    expect(error.message).toBe('outbox unavailable');
    expect(owedAfterFailure).toHaveLength(1);
    expect(outcome.sent).toEqual(owedAfterFailure);
    expect(outcome.planned).toBeUndefined();
    expect((await stored())?.data.unsent).toEqual([]);
  });
});

describe('Function: flushGroupRequest', () => {
  const sqs = new SQSClient({ endpoint: inject('motoEndpoint'), region: 'us-east-1' });

  /** The flush queue and the outbox, and a flush wiring over them that records its log lines and metrics. */
  async function wiring() {
    const flush = await sqs.send(new CreateQueueCommand({ QueueName: 'test-alert-flush' }));
    const outbox = await sqs.send(
      new CreateQueueCommand({ QueueName: 'test-alerts.fifo', Attributes: { FifoQueue: 'true' } }),
    );
    const logger = { info: vi.fn() };
    const metrics = { addMetric: vi.fn() };
    const flushQueueUrl = flush.QueueUrl as string;
    const outboxUrl = outbox.QueueUrl as string;
    return {
      logger,
      metrics,
      flushQueueUrl,
      outboxUrl,
      all: { store, sqs, flushQueueUrl, outboxUrl, options, logger, metrics, now },
    };
  }

  const receive = (QueueUrl: string) =>
    sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));

  it('asks again for a flush that came early, and says when', async () => {
    // Prepare
    await recordGroupedAlerts(store, group, [{ alert: stop(1), receiptId: 'm1' }], now, options);
    const due = new Date(START + options.groupWaitSeconds * 1000).toISOString();
    const w = await wiring();

    // Act
    await flushGroupRequest(JSON.stringify({ ...group, flushAt: due }), w.all);

    // Assess
    expect(w.logger.info).toHaveBeenCalledWith(`group ${groupIdText(group)} not due yet: asked again for ${due}`);
    expect(w.metrics.addMetric).not.toHaveBeenCalled();
    expect((await receive(w.outboxUrl)).Messages ?? []).toEqual([]);
  });

  it('queues the due message on the outbox, marked as a group message, and counts it', async () => {
    // Prepare
    await recordGroupedAlerts(
      store,
      group,
      [1, 2].map((n) => ({ alert: stop(n), receiptId: `m${n}` })),
      now,
      options,
    );
    clock = START + options.groupWaitSeconds * 1000;
    const w = await wiring();

    // Act
    await flushGroupRequest(JSON.stringify({ ...group, flushAt: new Date(clock).toISOString() }), w.all);

    // Assess
    const [message, ...more] = (await receive(w.outboxUrl)).Messages ?? [];
    expect(more).toEqual([]);
    expect(JSON.parse(message?.Body ?? '{}').title).toBe('prod/web: 2 alerts of task-stopped/out-of-memory');
    expect(message?.MessageAttributes?.[GROUP_MESSAGE_ATTRIBUTE]?.StringValue).toBe('true');
    expect(w.metrics.addMetric).toHaveBeenCalledWith('GroupMessagesSent', 'Count', 1);
    expect(w.logger.info).not.toHaveBeenCalledWith(expect.stringContaining('nothing due'));
  });

  it('says a group has nothing due, and refuses a request that is not one', async () => {
    // Prepare
    const w = await wiring();

    // Act
    await flushGroupRequest(JSON.stringify({ ...group, flushAt: new Date(START).toISOString() }), w.all);
    const refused = await flushGroupRequest(JSON.stringify({ groupKey: '' }), w.all).catch((e) => e);

    // Assess
    expect(w.logger.info).toHaveBeenCalledWith(`group ${groupIdText(group)}: nothing due`);
    expect(refused).toBeInstanceOf(Error);
  });
});
