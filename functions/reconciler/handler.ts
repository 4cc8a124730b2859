import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { requireParsed } from '#shared/events/errors.js';
import { type ScheduledEvent, ScheduledEventSchema } from '#shared/events/scheduled.js';
import { auditMetrics } from '#shared/executor/metrics.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { logAwsCallsAndFailures } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import type { ReconcileEverywhere } from '#shared/reconciler/every-place.js';
import { reconcileFromEnv } from '#shared/reconciler/wiring.js';

const reconcile = reconcileFromEnv(logger);

/** One reconciliation sweep per scheduled event. */
export const handler = middy<ParsedResult<unknown, ScheduledEvent>, ReconcileEverywhere>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(parser({ schema: ScheduledEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .use(auditMetrics(metrics, 'reconciler'))
  .handler(async (parsed, context) => {
    const event = requireParsed(parsed, 'Scheduled Event');
    logger.appendKeys({ eventId: event.id, scheduledAt: event.time });
    return reconcile(event, context);
  });
