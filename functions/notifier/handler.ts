import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamodbClient } from '#shared/aws/dynamodb.js';
import { snsClient } from '#shared/aws/sns.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { loadFunctionConfig } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import { publishStoredMetrics } from '#shared/logging/publish-metrics.js';
import { alertDelivery } from '#shared/notify/deliver.js';
import { outboxRouter } from '#shared/notify/grouping/route.js';
import { groupingFromEnv } from '#shared/notify/grouping/wiring.js';
import { idempotencyRecords } from '#shared/state/idempotency.js';
import { stateTableNameFromEnv } from '#shared/state/index.js';

const topicArn = getStringFromEnv({
  key: 'ALERT_TOPIC_ARN',
  errorMessage: 'ALERT_TOPIC_ARN (the alert topic) is required',
});
const { notifications } = loadFunctionConfig();
const published = idempotencyRecords(dynamodbClient, stateTableNameFromEnv(), 'notifier#published-alerts');
const delivery = alertDelivery({ sns: snsClient, topicArn, published, logger, ...notifications });
const grouping = groupingFromEnv({ dynamodb: dynamodbClient, sqs: sqsClient }, notifications.grouping);
const router = outboxRouter({ publish: (record) => delivery.deliver(record), grouping, logger, metrics });
const processor = new SqsFifoPartialProcessorAsync();

/** Delivers the alert outbox: groups alerts or publishes them, each once; a failure holds back only its own group. */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(publishStoredMetrics(metrics))
  .handler(async (event, context) => {
    delivery.startInvocation(context);
    const batch = await router.startBatch(event.Records);
    return processPartialResponse(event, batch.deliver, processor, { context, skipGroupOnError: true });
  });
