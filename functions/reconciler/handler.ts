import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { ecsClient, ecsRecipe } from '#shared/aws/ecs.js';
import { elbv2Client, elbv2Recipe } from '#shared/aws/elbv2.js';
import { PlaceClients } from '#shared/aws/place-clients.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { requireParsed } from '#shared/events/errors.js';
import { type ScheduledEvent, ScheduledEventSchema } from '#shared/events/scheduled.js';
import { auditMetrics } from '#shared/executor/metrics.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { homeOf, loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import { type ReconcileEverywhere, reconcileEveryPlace } from '#shared/reconciler/every-place.js';
import { createObservationCache } from '#shared/services/observation-cache.js';

const config = loadFunctionConfig();
const outboxUrl = outboxUrlFromEnv();
const cache = createObservationCache();
const clients = { ecs: ecsClient, elbv2: elbv2Client, sqs: sqsClient };
const places = new PlaceClients({ ecs: ecsClient, elbv2: elbv2Client }, { ecs: ecsRecipe, elbv2: elbv2Recipe });

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
    const clientsAt = places.at.bind(places);
    return reconcileEveryPlace(event, { config, clients, outboxUrl, cache, logger, home: homeOf(context), clientsAt });
  });
