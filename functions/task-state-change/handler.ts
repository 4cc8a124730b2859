import { getNumberFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { auditMetrics } from '#shared/executor/metrics.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { homeOf, loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import { createObservationCache } from '#shared/services/observation-cache.js';
import { StateStore, stateTableNameFromEnv } from '#shared/state/index.js';
import { stopCounterFromEnv } from '#shared/tasks/crash-loop/wiring.js';
import { createHandledTaskVersions } from '#shared/tasks/handled-versions.js';
import { type QueuedBatchResult, reactToQueuedTaskStops } from '#shared/tasks/queued-batch.js';

const config = loadFunctionConfig();
const stateStore = () => new StateStore({ client: documentClient, tableName: stateTableNameFromEnv() });
const deps = {
  config,
  outboxUrl: outboxUrlFromEnv(),
  maxAttempts: getNumberFromEnv({ key: 'TASK_EVENTS_MAX_RECEIVE_COUNT', defaultValue: 3 }),
  clients: { ecs: ecsClient, elbv2: elbv2Client, sqs: sqsClient },
  ...{ logger, cache: createObservationCache(), seen: createHandledTaskVersions() },
  // A dry run without a state table takes no lease and claims no sweep: it writes no state anyway.
  sweepLedger: config.dryRun && !process.env.STATE_TABLE_NAME ? undefined : stateStore(),
  countStops: stopCounterFromEnv(documentClient, config.crashLoop),
};

/** Reacts to a batch of the task-events queue; each message that failed is returned to the queue for a retry. */
export const handler = middy<SQSEvent, QueuedBatchResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(logAwsCallsAndFailures(logger))
  .use(auditMetrics(metrics, 'task-state-change'))
  .handler(async (event, context) => {
    const targetGroupLeases = deps.sweepLedger && { store: deps.sweepLedger, owner: context.awsRequestId };
    return reactToQueuedTaskStops(event.Records, { ...deps, targetGroupLeases, home: homeOf(context) });
  });
