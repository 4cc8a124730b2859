import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { deliverOutbox, useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import { provisionWorld, receiveAlerts, type World } from '#local/world.js';
import type { Alert } from '#shared/notify/alert.js';
import { type ChatbotNotification, ChatbotNotificationSchema, chatThreadIdOf } from '#shared/notify/chatbot.js';
import { recordGroupedAlerts } from '#shared/notify/grouping/durable.js';
import { ensureStateTable, StateStore } from '#shared/state/index.js';
import * as v from '#shared/validation/input-schema.js';
import { taskStopAlert } from '#test/support/alerts.js';
import { ACCOUNT, REGION } from '#test/support/builders.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { lambdaContext } from '../../cli/replay.js';

const endpoint = inject('motoEndpoint');
// Through our proxy, which hands DynamoDB one call at a time: moto alone lets two racing conditional writes both win.
await useMotoProxy();
const TABLE = 'ecs-autopilot-test-state';
const T0 = Date.parse('2026-11-24T12:00:00.000Z');
const GROUP_KEY = 'prod/web/task-stopped/out-of-memory';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** The n-th failure of prod/web, at second 2n: its own task, its own incident. */
function failure(n: number): Alert {
  const id = `task${String(n).padStart(4, '0')}`;
  return taskStopAlert({
    incidentId: `ecs-task-stop/prod/${id}`,
    title: `prod/web: task ${id} stopped (out of memory)`,
    occurredAt: new Date(T0 + n * 2000).toISOString(),
  });
}

/** Ten alerts as one SQS batch of the outbox, as the event source hands it to the notifier. */
function outboxBatch(alerts: Alert[], batch: number): SQSEvent {
  return {
    Records: alerts.map((alert, i) => ({
      messageId: `outbox-message-${batch}-${i}`,
      receiptHandle: `receipt-${batch}-${i}`,
      body: JSON.stringify(alert),
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:ecs-autopilot-alert-outbox.fifo',
      awsRegion: 'us-east-1',
    })),
  };
}

/** A flush request for the group of prod/web (at home, or in `account`), as the flush queue hands it over. */
function flushRequest(at: number, account = ACCOUNT, place = true): SQSEvent {
  const body = JSON.stringify({
    groupKey: GROUP_KEY,
    ...(place ? { place: { account, region: REGION } } : {}),
    flushAt: new Date(T0 + at * 1000).toISOString(),
  });
  return { Records: [{ ...outboxBatch([], 0).Records[0], messageId: `flush-${account}-${at}`, body } as never] };
}

const countOf = (message: ChatbotNotification) => Number(message.metadata?.additionalContext?.Alerts ?? 1);

describe('Function: notifier and alert-flush, grouping', () => {
  let world: World;
  let flushQueueUrl: string;
  const sqs = new SQSClient({ endpoint, region: 'us-east-1' });

  beforeEach(async () => {
    world = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: 0 }] });
    await ensureStateTable(new DynamoDBClient({ endpoint, region: 'us-east-1' }), TABLE);
    flushQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-autopilot-test-alert-flush' })))
      .QueueUrl as string;
    vi.useFakeTimers({ toFake: ['Date'] });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  /** Fresh containers of both functions with grouping wired (defaults: 30 s, 5 min, 4 h). */
  async function coldFunctions() {
    vi.resetModules();
    useWorldEnvironment(world, writeConfig('version: 1\nclusters: [{ name: prod, services: [{ name: web }] }]\n'), {
      STATE_TABLE_NAME: TABLE,
      ALERT_FLUSH_QUEUE_URL: flushQueueUrl,
    });
    const notifier = (await import('#functions/notifier/handler.js')).handler as unknown as Handler;
    const flush = (await import('#functions/alert-flush/handler.js')).handler as unknown as Handler;
    return {
      notifier,
      record: (event: SQSEvent) => notifier(event, lambdaContext('notifier')),
      flush: (event: SQSEvent) => flush(event, lambdaContext('alert-flush')),
    };
  }

  it('turns 300 failures of one service into three messages whose counts add up to 300, in one thread', {
    timeout: 180_000,
  }, async () => {
    // Prepare: 300 failures, one every 2 s; 30 outbox batches of ten, handled three at a time by concurrent
    // invocations, one batch redelivered; two flushes run at once every 30 s.
    const { notifier, record, flush } = await coldFunctions();
    const batches = Array.from({ length: 30 }, (_, b) => Array.from({ length: 10 }, (_, i) => failure(b * 10 + i)));
    const failures: SQSBatchResponse[] = [];
    let checked = 0;
    const flushUntil = async (second: number) => {
      for (; checked <= second; checked += 30) {
        vi.setSystemTime(T0 + checked * 1000);
        failures.push(...(await Promise.all([flush(flushRequest(checked)), flush(flushRequest(checked))])));
      }
    };

    // Act
    for (let wave = 0; wave < 10; wave++) {
      const second = 60 * wave + 58;
      await flushUntil(second - 1);
      vi.setSystemTime(T0 + second * 1000);
      const invocations = [0, 1, 2].map((i) => record(outboxBatch(batches[wave * 3 + i] ?? [], wave * 3 + i)));
      if (wave === 3) invocations.push(record(outboxBatch(batches[4] ?? [], 4)));
      failures.push(...(await Promise.all(invocations)));
    }
    await flushUntil(900);
    vi.setSystemTime(T0 + 900 * 1000);
    await deliverOutbox(world, notifier as never);
    const published = (await receiveAlerts(world)).map((a) => v.parse(ChatbotNotificationSchema, a.message));

    // Assess
    expect(failures.flatMap((f) => f.batchItemFailures)).toEqual([]);
    expect(published.map(countOf)).toEqual([30, 150, 120]);
    expect(published.reduce((sum, m) => sum + countOf(m), 0)).toBe(300);
    expect(new Set(published.map((m) => m.metadata?.threadId))).toEqual(new Set([chatThreadIdOf(failure(0))]));
    expect(published.map((m) => m.content.title)).toEqual([
      '🔴 prod/web: 30 alerts of task-stopped/out-of-memory',
      '🔴 prod/web: 150 alerts of task-stopped/out-of-memory',
      '🔴 prod/web: 120 alerts of task-stopped/out-of-memory',
    ]);
    expect(published[2]?.content.description).toContain('300 alerts since 2026-11-24 12:00:58 UTC');
  });

  it('asks for one delayed flush per due time, not one per alert', async () => {
    // Prepare
    const { record } = await coldFunctions();
    vi.setSystemTime(T0);

    // Act
    await record(outboxBatch([failure(0), failure(1), failure(2)], 0));
    await record(outboxBatch([failure(3), failure(4)], 1));
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: flushQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );

    // Assess
    const { ApproximateNumberOfMessages: visible, ApproximateNumberOfMessagesDelayed: delayed } =
      attributes.Attributes ?? {};
    expect({ visible, delayed }).toEqual({ visible: '0', delayed: '1' });
    expect(await receiveAlerts(world)).toEqual([]);
  });

  it('keeps a same-named service of another account in a group of its own, with its own count', async () => {
    // Prepare: the same incidents, service and kind in two accounts
    const { notifier, record, flush } = await coldFunctions();
    const member = '222222222222';
    const elsewhere = (n: number) => ({ ...failure(n), account: member });
    vi.setSystemTime(T0);

    // Act
    await record(outboxBatch([failure(0), failure(1), failure(2), elsewhere(0), elsewhere(1)], 0));
    vi.setSystemTime(T0 + 30_000);
    await flush(flushRequest(30));
    await flush(flushRequest(30, member));
    await deliverOutbox(world, notifier as never);
    const published = (await receiveAlerts(world)).map((a) => v.parse(ChatbotNotificationSchema, a.message));

    // Assess
    const byAccount = Object.fromEntries(
      published.map((m) => [m.metadata?.additionalContext?.account, [countOf(m), m.content.title]]),
    );
    expect(byAccount).toEqual({
      [ACCOUNT]: [3, '🔴 prod/web: 3 alerts of task-stopped/out-of-memory'],
      [member]: [2, '🔴 prod/web: 2 alerts of task-stopped/out-of-memory'],
    });
    expect(published.find((m) => m.metadata?.additionalContext?.account === member)?.content.description).toContain(
      `for \`prod/web\` (account ${member}, ${REGION})`,
    );
  });

  it('flushes a group stored before groups were kept per place, from a flush request queued then', async () => {
    // Prepare: the group and its request as an earlier version wrote them, under the service's name alone
    const { notifier, flush } = await coldFunctions();
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
    const store = new StateStore({ client, tableName: TABLE });
    const options = { enabled: true, groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 14_400 };
    const received = [failure(0), failure(1)].map((alert, i) => ({ alert, receiptId: `old-${i}` }));
    await recordGroupedAlerts(store, { groupKey: GROUP_KEY }, received, () => new Date(T0), options);
    vi.setSystemTime(T0 + 30_000);

    // Act
    const outcome = await flush(flushRequest(30, ACCOUNT, false));
    await deliverOutbox(world, notifier as never);
    const published = (await receiveAlerts(world)).map((a) => v.parse(ChatbotNotificationSchema, a.message));

    // Assess
    expect(outcome.batchItemFailures).toEqual([]);
    expect(published.map((m) => [countOf(m), m.content.title])).toEqual([
      [2, '🔴 prod/web: 2 alerts of task-stopped/out-of-memory'],
    ]);
  });

  it('publishes every alert at once when the stack wires no grouping', async () => {
    // Prepare
    vi.resetModules();
    useWorldEnvironment(world, writeConfig('version: 1\nclusters: [{ name: prod, services: [{ name: web }] }]\n'));
    delete process.env.ALERT_FLUSH_QUEUE_URL;
    const { handler } = await import('#functions/notifier/handler.js');

    // Act
    await handler(outboxBatch([failure(0), failure(1)], 0) as never, lambdaContext('notifier'));

    // Assess
    expect(await receiveAlerts(world)).toHaveLength(2);
  });
});
