import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { type AuditEverywhere, auditEveryPlace } from '#shared/audit/every-place.js';
import { acmClient, acmRecipe } from '#shared/aws/acm.js';
import { autoScalingClient, autoScalingRecipe } from '#shared/aws/application-auto-scaling.js';
import { dynamodbClient } from '#shared/aws/dynamodb.js';
import { ec2Client, ec2Recipe } from '#shared/aws/ec2.js';
import { ecsClient, ecsRecipe } from '#shared/aws/ecs.js';
import { elbv2Client, elbv2Recipe } from '#shared/aws/elbv2.js';
import { PlaceClients } from '#shared/aws/place-clients.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { requireParsed } from '#shared/events/errors.js';
import { type ScheduledEvent, ScheduledEventSchema } from '#shared/events/scheduled.js';
import { homeOf, loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { StateStore, stateTableNameFromEnv } from '#shared/state/index.js';

const config = loadFunctionConfig();
const outboxUrl = outboxUrlFromEnv();
const store = new StateStore({ client: dynamodbClient, tableName: stateTableNameFromEnv() });
const own = { ecs: ecsClient, elbv2: elbv2Client, ec2: ec2Client, acm: acmClient, autoScaling: autoScalingClient };
const recipes = { ecs: ecsRecipe, elbv2: elbv2Recipe, ec2: ec2Recipe, acm: acmRecipe, autoScaling: autoScalingRecipe };
const places = new PlaceClients(own, recipes);

/** One read-only audit of the configured clusters per scheduled event; alerts only on new or changed findings. */
export const handler = middy<ParsedResult<unknown, ScheduledEvent>, AuditEverywhere>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: ScheduledEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .handler(async (parsed, context) => {
    const event = requireParsed(parsed, 'Scheduled Event');
    logger.appendKeys({ eventId: event.id, scheduledAt: event.time });
    const deps = { config, clients: { ...own, sqs: sqsClient }, outboxUrl, store, logger, home: homeOf(context) };
    return auditEveryPlace(event, { ...deps, clientsAt: places.at.bind(places) });
  });
