import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamodbClient } from '#shared/aws/dynamodb.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { loadFunctionConfig, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import { publishStoredMetrics } from '#shared/logging/publish-metrics.js';
import { flushGroupRequest } from '#shared/notify/grouping/flush.js';
import { groupingFromEnv } from '#shared/notify/grouping/wiring.js';

const outboxUrl = outboxUrlFromEnv();
const grouping = groupingFromEnv(
  { dynamodb: dynamodbClient, sqs: sqsClient },
  loadFunctionConfig().notifications.grouping,
);
if (!grouping) throw new Error('ALERT_FLUSH_QUEUE_URL (the alert group flush queue) is required');
const processor = new BatchProcessor(EventType.SQS);

/** Flushes one due group; a failure leaves its request on the queue, which retries it and then dead-letters it. */
const flush = (record: SQSRecord) => flushGroupRequest(record.body, { ...grouping, outboxUrl, logger, metrics });

/** Sends the messages of alert groups that are due: one summary per group, queued on the alert outbox. */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishStoredMetrics(metrics))
  .handler((event, context) => processPartialResponse(event, flush, processor, { context }));
