import { getNumberFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { readQueuedTaskEvents } from '#shared/events/task-stop-queue.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { auditMetrics } from '#shared/executor/metrics.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { homeOf, loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import { createObservationCache } from '#shared/services/observation-cache.js';
import { StateStore, stateTableNameFromEnv } from '#shared/state/index.js';
import { reactToTaskStopBatch, type TaskBatchReaction } from '#shared/tasks/batch-react.js';
import { stopCounterFromEnv } from '#shared/tasks/crash-loop/wiring.js';
import { createHandledTaskVersions } from '#shared/tasks/handled-versions.js';

const config = loadFunctionConfig();
const deps = {
  config,
  outboxUrl: outboxUrlFromEnv(),
  maxAttempts: getNumberFromEnv({ key: 'TASK_EVENTS_MAX_RECEIVE_COUNT', defaultValue: 3 }),
  clients: { ecs: ecsClient, elbv2: elbv2Client, sqs: sqsClient },
  ...{ logger, cache: createObservationCache(), seen: createHandledTaskVersions() },
  sweepLedger: new StateStore({ client: documentClient, tableName: stateTableNameFromEnv() }),
  countStops: stopCounterFromEnv(documentClient, config.crashLoop),
};

/** Reacts to a batch of the task-events queue; each message that failed is returned to the queue for a retry. */
export const handler = middy<SQSEvent, SQSBatchResponse & { reaction: TaskBatchReaction; audit: AuditRecord[] }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(logAwsCallsAndFailures(logger))
  .use(auditMetrics(metrics, 'task-state-change'))
  .handler(async (event, context) => {
    const { events, unreadable } = readQueuedTaskEvents(event.Records);
    const targetGroupLeases = { store: deps.sweepLedger, owner: context.awsRequestId };
    const reaction = await reactToTaskStopBatch(events, { ...deps, targetGroupLeases, home: homeOf(context) });
    reaction.failures.unshift(...unreadable);
    for (const f of reaction.failures) logger.error(`returned to the queue for a retry: ${f.why}`, f);
    const failed = new Set(reaction.failures.map((f) => f.messageId));
    const audit = reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.audit));
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })), reaction, audit };
  });
