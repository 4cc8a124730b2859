import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { sqsClient } from '#shared/aws/sqs.js';
import { requireParsed } from '#shared/events/errors.js';
import { type ServiceEvent, ServiceEventSchema } from '#shared/events/service-events.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { actingPlace } from '#shared/lambda/places.js';
import { homeOf, loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { reactToServiceEvent, type ServiceEventReaction } from '#shared/service-events/react.js';

const config = loadFunctionConfig();
const outboxUrl = outboxUrlFromEnv();

/** Alerts on one ECS service action or deployment state change; a thrown error is retried by Lambda, then DLQ'd. */
export const handler = middy<ParsedResult<unknown, ServiceEvent>, ServiceEventReaction>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(parser({ schema: ServiceEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .handler(async (parsed, context) => {
    const event = requireParsed(parsed, 'ECS service');
    logger.appendKeys({ eventId: event.id, eventName: event.detail.eventName, serviceArn: event.resources[0] });
    const at = actingPlace(config, homeOf(context), event);
    return reactToServiceEvent(event, { config: at.config, sqs: sqsClient, outboxUrl, logger, home: at.reach });
  });
