import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { snsClient } from '#shared/aws/sns.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { logger } from '#shared/logging/logger.js';
import { AlertSchema } from '#shared/notify/alert.js';
import { publishAlert } from '#shared/notify/publish.js';

const topicArn = getStringFromEnv({
  key: 'ALERT_TOPIC_ARN',
  errorMessage: 'ALERT_TOPIC_ARN (the alert topic) is required',
});
const processor = new SqsFifoPartialProcessorAsync();

/** Publishes one queued alert; a malformed one fails its record, which the queue redrives to the outbox DLQ. */
async function deliver(record: SQSRecord): Promise<void> {
  const alert = AlertSchema.parse(JSON.parse(record.body));
  const messageId = await publishAlert(snsClient, topicArn, alert);
  logger.info(`alert published: ${alert.title}`, { incidentId: alert.incidentId, severity: alert.severity, messageId });
}

/** Delivers the alert outbox to SNS, reporting failed records so that only they are retried. */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .handler((event, context) => processPartialResponse(event, deliver, processor, { context }));
