import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { groupingDefaults } from '#shared/config/notifications.js';
import type { Alert } from '#shared/notify/alert.js';
import { groupIdOf, groupIdText } from '#shared/notify/grouping/plan.js';
import { GROUP_MESSAGE_ATTRIBUTE } from '#shared/notify/grouping/queues.js';
import { outboxRouter } from '#shared/notify/grouping/route.js';
import { ensureStateTable, StateStore } from '#shared/state/index.js';
import { taskStopAlert } from '#test/support/alerts.js';

const TABLE = 'ecs-autopilot-test-alert-routes';
const client = new DynamoDBClient({ endpoint: inject('motoEndpoint'), region: 'us-east-1' });
const START = Date.parse('2026-11-26T12:00:00.000Z');
const now = () => new Date(START);
const store = new StateStore({ client, tableName: TABLE, now });
const options = groupingDefaults;

/** The n-th stop of one service, each its own incident. */
const stop = (n: number): Alert =>
  taskStopAlert({ incidentId: `ecs-task-stop/prod/task-${n}`, occurredAt: new Date(START).toISOString() });
const group = groupIdOf(stop(1));

// moto is reset before each test: the table is made again.
beforeEach(async () => {
  await ensureStateTable(client, TABLE);
});

describe('Function: outboxRouter, grouping on', () => {
  const sqs = new SQSClient({ endpoint: inject('motoEndpoint'), region: 'us-east-1' });
  const record = (messageId: string, alert: Alert, groupMessage = false) =>
    ({
      messageId,
      body: JSON.stringify(alert),
      messageAttributes: groupMessage ? { [GROUP_MESSAGE_ATTRIBUTE]: { stringValue: 'true', dataType: 'String' } } : {},
    }) as unknown as SQSRecord;

  it("counts each group's alerts with one write, asks for its flush once, and publishes only a group's own message", async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'test-route-flush' }));
    const api = (n: number) => taskStopAlert({ incidentId: `ecs-task-stop/prod/api-${n}`, service: 'api' });
    const own = taskStopAlert({ incidentId: 'group/prod/web/1', dedupKey: 'group/prod/web/1#1' });
    const records = [record('w1', stop(1)), record('a1', api(1)), record('w2', stop(2)), record('g1', own, true)];
    const published: string[] = [];
    const logger = { info: vi.fn() };
    const metrics = { addMetric: vi.fn() };
    const router = outboxRouter({
      publish: async (r) => void published.push(r.messageId),
      grouping: { store, sqs, flushQueueUrl: QueueUrl as string, options },
      now,
      logger,
      metrics,
    });

    // Act
    const batch = await router.startBatch(records);
    for (const r of records) await batch.deliver(r);

    // Assess
    expect(published).toEqual(['g1']);
    expect(metrics.addMetric.mock.calls.map((call) => call.join(' ')).sort()).toEqual([
      'AlertsGrouped Count 1',
      'AlertsGrouped Count 2',
      'AlertsSent Count 1',
    ]);
    const due = new Date(START + options.groupWaitSeconds * 1000).toISOString();
    expect(logger.info).toHaveBeenCalledWith(`2 of 2 alert(s) counted into group ${groupIdText(group)}`, {
      occurrences: 2,
      flushAt: due,
    });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessagesDelayed).toBe('2');
  });

  it('counts a batch that comes again as nothing, asking again for the flush its group waits for', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'test-route-flush-again' }));
    const logger = { info: vi.fn() };
    const router = outboxRouter({
      publish: async () => undefined,
      grouping: { store, sqs, flushQueueUrl: QueueUrl as string, options },
      now,
      logger,
    });
    const records = [record('w1', stop(1))];
    await (await router.startBatch(records)).deliver(records[0] as SQSRecord);

    // Act
    await (await router.startBatch(records)).deliver(records[0] as SQSRecord);

    // Assess
    expect(logger.info).toHaveBeenLastCalledWith(`0 of 1 alert(s) counted into group ${groupIdText(group)}`, {
      occurrences: 0,
      flushAt: new Date(START + options.groupWaitSeconds * 1000).toISOString(),
    });
  });
});
