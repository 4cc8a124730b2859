import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import type { AlarmReaction } from '#shared/alarms/react.js';
import { alarmReactionFromEnv } from '#shared/alarms/wiring.js';
import { type AlarmStateChangeEvent, AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import { requireParsed } from '#shared/events/errors.js';
import { failedActionsThrown } from '#shared/executor/errors.js';
import { auditMetrics } from '#shared/executor/metrics.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { logAwsCallsAndFailures } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';

const react = alarmReactionFromEnv(logger);

/**
 * Reacts to one CloudWatch alarm state change. A failed action, once reported, fails the invocation too: Lambda
 * retries it (the episode's records make the retry redo only what did not land, its alert deduplicated), then the DLQ.
 */
export const handler = middy<ParsedResult<unknown, AlarmStateChangeEvent>, AlarmReaction>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(parser({ schema: AlarmStateChangeEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .use(auditMetrics(metrics, 'alarm-state-change'))
  .handler(async (parsed, context) => {
    const event = requireParsed(parsed, 'CloudWatch Alarm State Change');
    logger.appendKeys({ eventId: event.id, alarmName: event.detail.alarmName, state: event.detail.state.value });
    return failedActionsThrown(await react(event, context));
  });
