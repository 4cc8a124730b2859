import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { cloudWatchClient } from '#shared/aws/cloudwatch.js';
import { documentClient } from '#shared/aws/dynamodb.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { type CanaryTickResult, tickCanaries } from '#shared/canary/react.js';
import { requireParsed } from '#shared/events/errors.js';
import { type ScheduledEvent, ScheduledEventSchema } from '#shared/events/scheduled.js';
import { loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { StateStore, stateTableNameFromEnv } from '#shared/state/index.js';

const config = loadFunctionConfig();
const outboxUrl = outboxUrlFromEnv();
const store = new StateStore({ client: documentClient, tableName: stateTableNameFromEnv() });
const clients = { elbv2: elbv2Client, ecs: ecsClient, cloudwatch: cloudWatchClient, sqs: sqsClient };

/** One promoter pass over every canary per scheduled event, at the event's time. */
export const handler = middy<ParsedResult<unknown, ScheduledEvent>, CanaryTickResult[]>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: ScheduledEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .handler(async (parsed) => {
    const event = requireParsed(parsed, 'Scheduled Event');
    logger.appendKeys({ eventId: event.id, scheduledAt: event.time });
    return tickCanaries({ config, clients, store, outboxUrl, logger, region: event.region }, event.time);
  });
