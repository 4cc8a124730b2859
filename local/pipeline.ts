import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
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
  const response = await notifier(outboxEvent(world, messages), lambdaContext('notifier'));
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.messageId));
  if (done.length > 0) {
    const sqs = new SQSClient({ endpoint: world.endpoint, region: world.region });
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: world.outboxQueueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
      }),
    );
  }
  return done.length;
}

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
