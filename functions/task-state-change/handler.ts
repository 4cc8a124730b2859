import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { awsCalls } from '#shared/aws/call-meter.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { applyEnvOverrides, loadConfigFile } from '#shared/config/load.js';
import {
  requireParsed,
  type TaskStateChangeEvent,
  TaskStateChangeEventSchema,
} from '#shared/events/task-state-change.js';
import { logger } from '#shared/logging/logger.js';
import { createTaskVersionMemory } from '#shared/tasks/memory.js';
import { createObservationCache } from '#shared/tasks/observe.js';
import { reactToTaskStateChange, type TaskReaction } from '#shared/tasks/react.js';

const config = applyEnvOverrides(
  loadConfigFile(getStringFromEnv({ key: 'AUTOPILOT_CONFIG_FILE', defaultValue: 'ecs-autopilot.yml' })),
);
const outboxUrl = getStringFromEnv({
  key: 'ALERT_OUTBOX_URL',
  errorMessage: 'ALERT_OUTBOX_URL (the alert outbox queue) is required',
});
const cache = createObservationCache();
const seen = createTaskVersionMemory();
const clients = { ecs: ecsClient, elbv2: elbv2Client, sqs: sqsClient };

/** Reacts to one ECS task state change; a thrown error is retried by Lambda and then lands in the DLQ. */
export const handler = middy<ParsedResult<unknown, TaskStateChangeEvent>, TaskReaction>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: TaskStateChangeEventSchema, safeParse: true }))
  .handler(async (parsed) => {
    awsCalls.reset();
    const event = requireParsed(parsed, 'ECS Task State Change');
    logger.appendKeys({ eventId: event.id, taskArn: event.detail.taskArn, version: event.detail.version });
    try {
      return await reactToTaskStateChange(event, { config, clients, outboxUrl, cache, seen, logger });
    } catch (error) {
      logger.error('reaction failed; Lambda retries it, then sends the event to the DLQ', { error });
      throw error;
    } finally {
      logger.info('aws calls', { awsCalls: awsCalls.snapshot(), total: awsCalls.total() });
    }
  });
