import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamodbClient } from '#shared/aws/dynamodb.js';
import { snsClient } from '#shared/aws/sns.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { logger } from '#shared/logging/logger.js';
import { alertDelivery } from '#shared/notify/deliver.js';
import { idempotencyRecords, stateTableNameFromEnv } from '#shared/state/index.js';

const topicArn = getStringFromEnv({
  key: 'ALERT_TOPIC_ARN',
  errorMessage: 'ALERT_TOPIC_ARN (the alert topic) is required',
});
const published = idempotencyRecords(dynamodbClient, stateTableNameFromEnv(), 'notifier#published-alerts');
const delivery = alertDelivery({ sns: snsClient, topicArn, published, logger });
const processor = new SqsFifoPartialProcessorAsync();

/**
 * Delivers the alert outbox to SNS, each alert once. A failed record holds back only the later records of its own
 * message group (one service's alerts stay in order); the others are delivered, and only failures are retried.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .handler((event, context) => {
    delivery.startInvocation(context);
    return processPartialResponse(event, delivery.deliver, processor, { context, skipGroupOnError: true });
  });
