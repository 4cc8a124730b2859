import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as v from '../../validation/input-schema.js';
import { type Alert, alertDeliveryKey } from '../alert.js';
import { outboxMessageGroupOf } from '../outbox.js';

/** The outbox message attribute that marks a group's own message: the notifier publishes it as it is. */
export const GROUP_MESSAGE_ATTRIBUTE = 'ecs-autopilot-group-message';

/** SQS's longest per-message delay; a later flush is asked for again when this one comes early. */
const MAX_DELAY_SECONDS = 900;

/**
 * A request to flush one group, due at `flushAt`. A request without `place` was queued before groups were kept per
 * place: it flushes the group stored then, under its service's name alone, so nothing it holds is lost.
 */
export const FlushRequestSchema = v.object({
  groupKey: v.pipe(v.string(), v.minLength(1)),
  place: v.optional(
    v.object({ account: v.pipe(v.string(), v.minLength(1)), region: v.pipe(v.string(), v.minLength(1)) }),
  ),
  flushAt: v.pipe(v.string(), v.isoTimestamp()),
});
export type FlushRequest = v.InferOutput<typeof FlushRequestSchema>;

/** Asks for a flush of the group when it is due, by a message the queue holds back until then (at most 15 min). */
export async function requestFlush(sqs: SQSClient, queueUrl: string, request: FlushRequest, now: Date): Promise<void> {
  const delay = Math.ceil((Date.parse(request.flushAt) - now.getTime()) / 1000);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(request),
      DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, delay)),
    }),
  );
}

/**
 * Queues a group's message on the alert outbox, marked so that the notifier publishes it rather than groups it. Its
 * de-duplication id is the message's own key (group thread and number): two flushes that both send it send it once.
 */
export async function enqueueGroupMessage(sqs: SQSClient, outboxUrl: string, message: Alert): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: outboxUrl,
      MessageBody: JSON.stringify(message),
      MessageGroupId: outboxMessageGroupOf(message),
      MessageDeduplicationId: createHash('sha256').update(alertDeliveryKey(message)).digest('hex'),
      MessageAttributes: { [GROUP_MESSAGE_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } },
    }),
  );
}
