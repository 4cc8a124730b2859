import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../cli/replay.js';
import { type OutboxMessage, receiveOutbox, type World } from './world.js';

/** Writes a config file for a test world and returns its path. */
export function writeConfig(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ecs-autopilot-config-')), 'ecs-autopilot.yml');
  writeFileSync(file, yaml);
  return file;
}

/** Points the functions' environment at a world: config file, outbox, topic, state table. Import the handlers after this. */
export function useWorldEnvironment(world: World, configFile: string, extra: Record<string, string> = {}): void {
  process.env.AUTOPILOT_CONFIG_FILE = configFile;
  process.env.ALERT_OUTBOX_URL = world.outboxQueueUrl ?? '';
  process.env.ALERT_TOPIC_ARN = world.topicArn ?? '';
  process.env.STATE_TABLE_NAME = world.stateTableName;
  delete process.env.AUTOPILOT_DRY_RUN;
  Object.assign(process.env, extra);
}

type NotifierHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Feeds the alert outbox to the notifier handler as Lambda's SQS event source does: one batch, then deletes the
 * records that did not fail. Returns how many were delivered.
 */
export async function deliverOutbox(world: World, notifier: NotifierHandler): Promise<number> {
  const messages = await receiveOutbox(world);
  if (messages.length === 0) return 0;
  return (await handOver(world, notifier, messages, lambdaContext('notifier'))).done.length;
}

/** One invocation of the notifier with `messages`; the records it did not fail are deleted from the outbox. */
async function handOver(world: World, notifier: NotifierHandler, messages: OutboxMessage[], context: Context) {
  const response = await notifier(outboxEvent(world, messages), context);
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.messageId));
  if (done.length > 0) {
    const sqs = new SQSClient({ endpoint: world.endpoint, region: world.region });
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: world.outboxQueueUrl, Entries: entries(done) }));
  }
  return { done, again: messages.filter((m) => failed.has(m.messageId)) };
}

/**
 * Feeds the alert outbox to the notifier until it is empty, as Lambda's SQS event source does: the records a batch
 * reports failed, or all of them when it throws, are received again, each at most `receives` times (the outbox's
 * `maxReceiveCount`, 5). The outbox's visibility timeout (90 s) outlasts the notifier's invocation, so a failed
 * record comes back only once the invocation that failed it is over and its in-progress publication record has
 * freed itself: here invocations of `invocationMs`, waited out before a redelivery. Returns how many were delivered
 * and the bodies of those that never were (bound for the outbox's DLQ).
 */
export async function drainOutbox(
  world: World,
  notifier: NotifierHandler,
  { receives = 5, invocationMs = 4_000 } = {},
): Promise<{ delivered: number; heldBack: string[] }> {
  const context = { ...lambdaContext('notifier'), getRemainingTimeInMillis: () => invocationMs };
  const sqs = new SQSClient({ endpoint: world.endpoint, region: world.region });
  const received = new Map<string, number>();
  const held = new Map<string, string>();
  let delivered = 0;
  for (;;) {
    const messages = (await receiveOutbox(world)).filter((m) => (received.get(m.messageId) ?? 0) < receives);
    if (messages.length === 0) break;
    for (const m of messages) received.set(m.messageId, (received.get(m.messageId) ?? 0) + 1);
    // An invocation that throws (Powertools does when every record failed) returns the whole batch.
    const { done, again } = await handOver(world, notifier, messages, context).catch(() => ({
      done: [],
      again: messages,
    }));
    delivered += done.length;
    for (const m of done) held.delete(m.messageId);
    for (const m of again) held.set(m.messageId, m.body);
    if (again.length > 0) {
      await new Promise((done) => setTimeout(done, invocationMs + 100));
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: world.outboxQueueUrl,
          Entries: entries(again).map((entry) => ({ ...entry, VisibilityTimeout: 0 })),
        }),
      );
    }
  }
  return { delivered, heldBack: [...held.values()] };
}

const entries = (messages: readonly OutboxMessage[]) =>
  messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle }));

/** The SQS event Lambda's event source hands the notifier for these outbox messages. */
export function outboxEvent(world: World, messages: OutboxMessage[]): SQSEvent {
  const queueArn = `arn:aws:sqs:${world.region}:${world.account}:ecs-autopilot-alert-outbox.fifo`;
  return {
    Records: messages.map((m) => ({
      messageId: m.messageId,
      receiptHandle: m.receiptHandle,
      body: m.body,
      attributes: m.attributes as never,
      messageAttributes: Object.fromEntries(
        Object.entries(m.messageAttributes).map(([name, value]) => [
          name,
          { stringValue: value, dataType: 'String', stringListValues: [], binaryListValues: [] },
        ]),
      ),
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: world.region,
    })),
  };
}
