import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import type { CanaryTickResult } from '#shared/canary/react.js';
import { canaryMetrics } from '#shared/canary/tick-metrics.js';
import { promoterFromEnv } from '#shared/canary/wiring.js';
import { type PromoterEvent, PromoterEventSchema } from '#shared/events/canary-promoter.js';
import { requireParsed } from '#shared/events/errors.js';
import { logAwsCallsAndFailures } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';

const promote = promoterFromEnv(logger);

/**
 * A promoter pass per minute in every configured account and region; a gate alarm entering ALARM runs one at once
 * for the canaries it gates in the alarm's own account and region.
 */
export const handler = middy<ParsedResult<unknown, PromoterEvent>, CanaryTickResult[]>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: PromoterEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .use(canaryMetrics(metrics))
  .handler(async (parsed, context) => {
    const event = requireParsed(parsed, 'Scheduled Event or CloudWatch Alarm State Change');
    logger.appendKeys({ eventId: event.id, eventTime: event.time });
    return promote(event, context);
  });
