import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { type AlarmReaction, reactToAlarmStateChange } from '#shared/alarms/react.js';
import { autoScalingClient } from '#shared/aws/application-auto-scaling.js';
import { documentClient } from '#shared/aws/dynamodb.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { sqsClient } from '#shared/aws/sqs.js';
import { type AlarmStateChangeEvent, AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import { requireParsed } from '#shared/events/errors.js';
import { auditMetrics } from '#shared/executor/metrics.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import {
  decisionMemoryFromEnv,
  homeOf,
  loadFunctionConfig,
  logAwsCallsAndFailures,
  outboxUrlFromEnv,
} from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';
import { metrics } from '#shared/logging/metrics.js';
import { createObservationCache } from '#shared/services/observation-cache.js';

const config = loadFunctionConfig();
const outboxUrl = outboxUrlFromEnv();
const cache = createObservationCache();
const clients = { ecs: ecsClient, elbv2: elbv2Client, autoScaling: autoScalingClient, sqs: sqsClient };
const state = decisionMemoryFromEnv(documentClient, config.dryRun);

/** Reacts to one CloudWatch alarm state change; a thrown error is retried by Lambda and then lands in the DLQ. */
export const handler = middy<ParsedResult<unknown, AlarmStateChangeEvent>, AlarmReaction>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(parser({ schema: AlarmStateChangeEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .use(auditMetrics(metrics, 'alarm-state-change'))
  .handler(async (parsed, context) => {
    const event = requireParsed(parsed, 'CloudWatch Alarm State Change');
    logger.appendKeys({ eventId: event.id, alarmName: event.detail.alarmName, state: event.detail.state.value });
    return reactToAlarmStateChange(event, { config, clients, outboxUrl, cache, state, home: homeOf(context), logger });
  });
