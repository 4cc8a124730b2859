import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { auditOnSchedule, type ScheduledAuditRun } from '#shared/audit/react.js';
import { acmClient } from '#shared/aws/acm.js';
import { autoScalingClient } from '#shared/aws/application-auto-scaling.js';
import { documentClient } from '#shared/aws/dynamodb.js';
import { ec2Client } from '#shared/aws/ec2.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { requireParsed } from '#shared/events/errors.js';
import { type ScheduledEvent, ScheduledEventSchema } from '#shared/events/scheduled.js';
import { loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { StateStore, stateTableNameFromEnv } from '#shared/state/index.js';

const config = loadFunctionConfig();
const outboxUrl = outboxUrlFromEnv();
const store = new StateStore({ client: documentClient, tableName: stateTableNameFromEnv() });
const clients = {
  ecs: ecsClient,
  elbv2: elbv2Client,
  ec2: ec2Client,
  acm: acmClient,
  autoScaling: autoScalingClient,
  sqs: sqsClient,
};

/** One read-only audit of the configured clusters per scheduled event; alerts only on new or changed findings. */
export const handler = middy<ParsedResult<unknown, ScheduledEvent>, ScheduledAuditRun>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: ScheduledEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .handler(async (parsed) => {
    const event = requireParsed(parsed, 'Scheduled Event');
    logger.appendKeys({ eventId: event.id, scheduledAt: event.time });
    return auditOnSchedule(event, { config, clients, outboxUrl, store, logger });
  });
