import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { documentClient } from '#shared/aws/dynamodb.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { requireParsed } from '#shared/events/errors.js';
import { type TaskStateChangeEvent, TaskStateChangeEventSchema } from '#shared/events/task-state-change.js';
import { auditMetrics } from '#shared/executor/metrics.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import { createObservationCache } from '#shared/services/observation-cache.js';
import { stopCounterFromEnv } from '#shared/tasks/crash-loop/wiring.js';
import { createHandledTaskVersions } from '#shared/tasks/handled-versions.js';
import { reactToTaskStateChange, type TaskReaction } from '#shared/tasks/react.js';

const config = loadFunctionConfig();
const outboxUrl = outboxUrlFromEnv();
const cache = createObservationCache();
const seen = createHandledTaskVersions();
const clients = { ecs: ecsClient, elbv2: elbv2Client, sqs: sqsClient };
const countStops = stopCounterFromEnv(documentClient, config.crashLoop);

/** Reacts to one ECS task state change; a thrown error is retried by Lambda and then lands in the DLQ. */
export const handler = middy<ParsedResult<unknown, TaskStateChangeEvent>, TaskReaction>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(parser({ schema: TaskStateChangeEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .use(auditMetrics(metrics, 'task-state-change'))
  .handler(async (parsed) => {
    const event = requireParsed(parsed, 'ECS Task State Change');
    logger.appendKeys({ eventId: event.id, taskArn: event.detail.taskArn, version: event.detail.version });
    return reactToTaskStateChange(event, { config, clients, outboxUrl, cache, seen, logger, countStops });
  });
