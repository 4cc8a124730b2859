import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { auditMetrics } from '#shared/executor/metrics.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { logAwsCallsAndFailures } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import type { QueuedBatchResult } from '#shared/tasks/queued-batch.js';
import { taskStopReactionFromEnv } from '#shared/tasks/wiring.js';

const react = taskStopReactionFromEnv(logger);

/** Reacts to a batch of the task-events queue; each message that failed is returned to the queue for a retry. */
export const handler = middy<SQSEvent, QueuedBatchResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(logAwsCallsAndFailures(logger))
  .use(auditMetrics(metrics, 'task-state-change'))
  .handler(async (event, context) => react(event.Records, context));
