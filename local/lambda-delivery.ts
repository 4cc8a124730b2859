import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { FaultInjection } from './fault-injection.js';
import { clients, required } from './world-clients.js';
import type { World } from './world-types.js';

/**
 * How Lambda delivers events to the functions, emulated around handlers under injected faults: asynchronous
 * invocation (EventBridge targets: the event, then up to two retries while it throws, then the on-failure DLQ) and
 * an SQS event source (batches, partial batch failures back to the queue, the DLQ after `maxReceiveCount` receives).
 */

/** What a delivery did: invocations, failed invocations and why, and the events that ended in the DLQ. */
export interface DeliveryStats {
  invocations: number;
  failures: number;
  /** Why invocations failed, one line each. */
  errors: string[];
  /** Events that ended in the DLQ and were never applied by another delivery. */
  deadLettered: unknown[];
  /** Deliveries that ended in the DLQ, including those of events another delivery applied. */
  deadLetteredDeliveries: number;
}

const emptyStats = (): DeliveryStats => ({
  invocations: 0,
  failures: 0,
  errors: [],
  deadLettered: [],
  deadLetteredDeliveries: 0,
});
const why = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** A function's container as a delivery sees it. */
export interface Invocable {
  react: (event: unknown) => Promise<unknown>;
}

/**
 * Lambda's asynchronous invocation of every container in `containers` with the same event (EventBridge delivers at
 * least once: each container stands for one delivery), each retried up to `retries` more times while it throws, with
 * faults armed; an event whose every attempt of a delivery failed is dead-lettered. `after` runs after each delivery.
 */
export function asyncInvocations(options: {
  containers: readonly Invocable[];
  faults: FaultInjection;
  retries?: number;
  after?: () => Promise<void>;
}) {
  const stats = emptyStats();
  return {
    stats,
    async deliver(event: unknown): Promise<void> {
      let applied = false;
      for (const { react } of options.containers) {
        let done = false;
        for (let attempt = 0; attempt <= (options.retries ?? 2) && !done; attempt++) {
          stats.invocations += 1;
          try {
            await options.faults.armed(() => react(structuredClone(event)));
            done = true;
          } catch (error) {
            stats.failures += 1;
            stats.errors.push(why(error));
          }
        }
        if (!done) stats.deadLetteredDeliveries += 1;
        applied ||= done;
        await options.after?.();
      }
      if (!applied) stats.deadLettered.push(event);
    },
  };
}

/** A batch answer with partial failures, as Lambda's SQS event source reads it. */
interface BatchAnswer {
  batchItemFailures?: Array<{ itemIdentifier: string }>;
}

/**
 * A standard SQS queue with its DLQ (in moto, through the same endpoint as the world) feeding `containers` in turn, as
 * Lambda's event source does: batches of up to `batchSize`; the messages a batch reports failed (all of them when the
 * invocation throws) become visible again; moto moves a message to the DLQ once it was received `maxReceiveCount`
 * times. Only the invocations run with faults armed; the queue's own calls never fail.
 */
export async function sqsEventSource(
  world: World,
  options: {
    name: string;
    containers: readonly { react: (event: SQSEvent) => Promise<unknown> }[];
    faults: FaultInjection;
    maxReceiveCount?: number;
    batchSize?: number;
    /** A FIFO queue (as the alert outbox): each message then needs a group and a de-duplication id. */
    fifo?: boolean;
    /** How long a failed message stays invisible before its redelivery; default 0 (the queue's timeout, compressed). */
    visibilityTimeoutMs?: number;
    after?: () => Promise<void>;
  },
) {
  const suffix = options.fifo ? '.fifo' : '';
  const fifoAttributes = options.fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {};
  const { sqs } = clients(world.endpoint);
  const dlqUrl = required(
    (await sqs.send(new CreateQueueCommand({ QueueName: `${options.name}-dlq${suffix}`, Attributes: fifoAttributes })))
      .QueueUrl,
    'QueueUrl',
  );
  const dlqArn = required(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes
      ?.QueueArn,
    'QueueArn',
  );
  const queueUrl = required(
    (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: `${options.name}${suffix}`,
          Attributes: {
            ...fifoAttributes,
            VisibilityTimeout: '60',
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: dlqArn,
              maxReceiveCount: options.maxReceiveCount ?? 3,
            }),
          },
        }),
      )
    ).QueueUrl,
    'QueueUrl',
  );
  const stats = emptyStats();

  const receive = async (url: string, max: number): Promise<Message[]> => {
    const received: Message[] = [];
    while (received.length < max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, max - received.length),
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      received.push(...Messages);
    }
    return received;
  };
  const inBatchesOf10 = <T>(items: T[]) =>
    Array.from({ length: Math.ceil(items.length / 10) }, (_, i) => items.slice(i * 10, i * 10 + 10));

  return {
    stats,
    queueUrl,
    /** Puts events on the queue, as the EventBridge rule's SQS target (or the outbox's sender) does. */
    async send(
      events: readonly unknown[],
      fifo?: (event: unknown) => { MessageGroupId: string; MessageDeduplicationId: string },
    ): Promise<void> {
      for (const [batch, chunk] of inBatchesOf10([...events]).entries()) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((event, i) => ({
              Id: `${batch}-${i}`,
              MessageBody: JSON.stringify(event),
              ...fifo?.(event),
            })),
          }),
        );
      }
    },
    /** Feeds the queue to the containers until it is empty; returns what ended in the DLQ. */
    async drain(): Promise<DeliveryStats> {
      for (let turn = 0; ; turn++) {
        const messages = await receive(queueUrl, options.batchSize ?? 10);
        if (messages.length === 0) break;
        const container = options.containers[turn % options.containers.length];
        const event = sqsEventOf(world, messages);
        let failed: Set<string>;
        stats.invocations += 1;
        try {
          const answer = (await options.faults.armed(() =>
            required(container, 'container').react(event),
          )) as BatchAnswer;
          failed = new Set((answer.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (error) {
          stats.errors.push(why(error));
          failed = new Set(messages.map((m) => required(m.MessageId, 'MessageId')));
        }
        if (failed.size > 0) stats.failures += 1;
        const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
        for (const chunk of inBatchesOf10(done)) {
          const Entries = chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
          await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
        }
        // What failed is visible again after the visibility timeout, compressed.
        if (failed.size > 0) await new Promise((done) => setTimeout(done, options.visibilityTimeoutMs ?? 0));
        for (const chunk of inBatchesOf10(messages.filter((m) => failed.has(m.MessageId ?? '')))) {
          const Entries = chunk.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          }));
          await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries }));
        }
        await options.after?.();
      }
      stats.deadLettered.push(
        ...(await receive(dlqUrl, Number.POSITIVE_INFINITY)).map((m) => JSON.parse(m.Body ?? '')),
      );
      return stats;
    },
  };
}

/** The SQS event Lambda hands the function for these messages, with their real receive counts. */
function sqsEventOf(world: World, messages: Message[]): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: required(m.MessageId, 'MessageId'),
      receiptHandle: required(m.ReceiptHandle, 'ReceiptHandle'),
      body: m.Body ?? '',
      attributes: {
        ...m.Attributes,
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${world.region}:${world.account}:ecs-autopilot-task-events`,
      awsRegion: world.region,
    })),
  };
}
