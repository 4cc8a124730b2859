/* Reading a test world back: the targets of its target groups, the alerts it received, its outbox. */
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Alert } from '#shared/notify/alert.js';
import { clients, parseJson, required } from './world-clients.js';
import type { OutboxMessage, ReceivedAlert, World } from './world-types.js';

/** The targets of a target group with their health state (moto reports every registered target `healthy`). */
export async function targetsOf(
  world: World,
  targetGroupArn: string,
): Promise<Array<{ id: string; port: number; state: string }>> {
  const { elbv2 } = clients(world.endpoint);
  const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (health.TargetHealthDescriptions ?? []).map((description) => ({
    id: required(description.Target?.Id, 'Target.Id'),
    port: required(description.Target?.Port, 'Target.Port'),
    state: description.TargetHealth?.State ?? 'unknown',
  }));
}

/** Drains the `alerts-subscriber` queue (deleting what it read) and unwraps each SNS envelope. */
export async function receiveAlerts(world: World, options: { waitSeconds?: number } = {}): Promise<ReceivedAlert[]> {
  const queueUrl = required(world.alertsQueueUrl, 'alertsQueueUrl (world provisioned with alerts: false)');
  const messages = await drain(world, queueUrl, options.waitSeconds ?? 0, true);
  return messages.map((message) => {
    const envelope = JSON.parse(message.Body ?? '{}') as {
      Message?: string;
      MessageAttributes?: Record<string, { Type: string; Value: string }>;
    };
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(envelope.MessageAttributes ?? {})) attributes[name] = value.Value;
    return { message: parseJson(envelope.Message ?? ''), attributes };
  });
}

/** Receives every visible message of the FIFO outbox without deleting them (they stay in flight). */
export async function receiveOutbox(world: World): Promise<OutboxMessage[]> {
  const queueUrl = required(world.outboxQueueUrl, 'outboxQueueUrl (world provisioned with alerts: false)');
  const messages = await drain(world, queueUrl, 0, false);
  return messages.map((message) => {
    const attributes: Record<string, string> = { ...(message.Attributes ?? {}) };
    const messageAttributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      if (value.StringValue !== undefined) messageAttributes[name] = value.StringValue;
    }
    return {
      body: message.Body ?? '',
      receiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
      messageId: required(message.MessageId, 'MessageId'),
      attributes,
      messageAttributes,
      groupId: attributes.MessageGroupId ?? '',
      dedupId: attributes.MessageDeduplicationId ?? '',
    };
  });
}

/** The alerts in the FIFO outbox, as reporting queued them (left in flight, as `receiveOutbox` leaves them). */
export async function receiveOutboxAlerts(world: World): Promise<Alert[]> {
  return (await receiveOutbox(world)).map((message) => JSON.parse(message.body) as Alert);
}

/** Receives batches of 10 until a receive comes back empty; only the first receive long-polls. */
async function drain(world: World, queueUrl: string, waitSeconds: number, remove: boolean): Promise<Message[]> {
  const { sqs } = clients(world.endpoint);
  const all: Message[] = [];
  const seen = new Set<string>();
  for (let round = 0; round < 100; round++) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: round === 0 ? waitSeconds : 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const batch = (received.Messages ?? []).filter((message) => !seen.has(message.MessageId ?? ''));
    if (batch.length === 0) break;
    for (const message of batch) seen.add(message.MessageId ?? '');
    all.push(...batch);
    if (remove) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
          })),
        }),
      );
    }
  }
  return all;
}

/** The registered targets (`id:port`, sorted) of every target group of the named services, or of all of them. */
export async function membership(world: World, services?: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const service of Object.values(world.services)) {
    if (services && !services.includes(service.serviceName)) continue;
    for (const tg of service.targetGroupArns)
      out[tg] = (await targetsOf(world, tg)).map((t) => `${t.id}:${t.port}`).sort();
  }
  return out;
}
