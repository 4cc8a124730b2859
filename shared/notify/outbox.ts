import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type Alert, alertDeliveryKey } from './alert.js';
import { boundAlert } from './bound.js';

/** The outbox's FIFO group of an alert: its service where it lives, so that one service's alerts keep their order. */
export function outboxMessageGroupOf(alert: Alert): string {
  return `${alert.account}/${alert.region}/${alert.cluster}/${alert.service}`.slice(0, 128);
}

/**
 * Queues an alert on the FIFO outbox. The de-duplication id is the delivery key (the incident id or its dedupKey, where it happened), so the same incident reported twice
 * within SQS's five-minute window is delivered once, whichever container reported it; the group is the service, so
 * one service's alerts stay in order without holding up the others'. The alert is bounded first, so it always fits.
 */
export async function enqueueAlert(sqs: SQSClient, outboxUrl: string, alert: Alert): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: outboxUrl,
      MessageBody: JSON.stringify(boundAlert(alert)),
      MessageGroupId: outboxMessageGroupOf(alert),
      MessageDeduplicationId: createHash('sha256').update(alertDeliveryKey(alert)).digest('hex'),
    }),
  );
}
