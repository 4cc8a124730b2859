import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { autoScalingClient as autoScaling } from '#shared/aws/application-auto-scaling.js';
import { cloudWatchClient } from '#shared/aws/cloudwatch.js';
import { documentClient } from '#shared/aws/dynamodb.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { type CanaryTickResult, tickCanaries, tickCanariesGatedBy } from '#shared/canary/react.js';
import { canaryMetrics } from '#shared/canary/tick-metrics.js';
import { type PromoterEvent, PromoterEventSchema } from '#shared/events/canary-promoter.js';
import { requireParsed } from '#shared/events/errors.js';
import { loadFunctionConfig, logAwsCallsAndFailures, outboxUrlFromEnv } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import { StateStore, stateTableNameFromEnv } from '#shared/state/index.js';

const config = loadFunctionConfig();
const outboxUrl = outboxUrlFromEnv();
const store = new StateStore({ client: documentClient, tableName: stateTableNameFromEnv() });
const clients = { elbv2: elbv2Client, ecs: ecsClient, cloudwatch: cloudWatchClient, autoScaling, sqs: sqsClient };

/** A promoter pass per minute; a gate alarm entering ALARM runs one at once for the canaries it gates. */
export const handler = middy<ParsedResult<unknown, PromoterEvent>, CanaryTickResult[]>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: PromoterEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .use(canaryMetrics(metrics))
  .handler(async (parsed) => {
    const event = requireParsed(parsed, 'Scheduled Event or CloudWatch Alarm State Change');
    logger.appendKeys({ eventId: event.id, eventTime: event.time });
    const deps = { config, clients, store, outboxUrl, logger, region: event.region };
    if (event['detail-type'] === 'Scheduled Event') return tickCanaries(deps, event.time);
    return tickCanariesGatedBy(deps, event.detail.alarmName, event.time);
  });
