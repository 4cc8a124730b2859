import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type Alert, alertDeliveryKey } from './alert.js';
import { boundAlert } from './bound.js';

/**
 * Queues an alert on the FIFO outbox. The de-duplication id is the incident id (or its dedupKey), so the same incident reported twice
 * within SQS's five-minute window is delivered once, whichever container reported it; the group is the service, so
 * one service's alerts stay in order without holding up the others'. The alert is bounded first, so it always fits.
 */
export async function enqueueAlert(sqs: SQSClient, outboxUrl: string, alert: Alert): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: outboxUrl,
      MessageBody: JSON.stringify(boundAlert(alert)),
      MessageGroupId: `${alert.cluster}/${alert.service}`.slice(0, 128),
      MessageDeduplicationId: createHash('sha256').update(alertDeliveryKey(alert)).digest('hex'),
    }),
  );
}
