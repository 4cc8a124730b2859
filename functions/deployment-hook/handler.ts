import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { cloudWatchClient } from '#shared/aws/cloudwatch.js';
import { ecsClient } from '#shared/aws/ecs.js';
import { elbv2Client } from '#shared/aws/elbv2.js';
import { answerLifecycleHook } from '#shared/canary/hook/react.js';
import { requireParsed } from '#shared/events/errors.js';
import {
  type LifecycleHookAnswer,
  type LifecycleHookEvent,
  LifecycleHookEventSchema,
} from '#shared/events/lifecycle-hook.js';
import { awsCallDeadline } from '#shared/lambda/deadline.js';
import { logAwsCallsAndFailures } from '#shared/lambda/runtime.js';
import { logger } from '#shared/logging/logger.js';

/**
 * ECS invokes this at the lifecycle stages a service lists; it answers SUCCEEDED, FAILED or IN_PROGRESS. A payload
 * that does not parse throws (ECS rolls back on an error exactly as on FAILED, and an error also shows in the
 * function's Errors metric); so does an AWS read that fails after its retries.
 */
export const handler = middy<ParsedResult<unknown, LifecycleHookEvent>, LifecycleHookAnswer>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(awsCallDeadline())
  .use(parser({ schema: LifecycleHookEventSchema, safeParse: true }))
  .use(logAwsCallsAndFailures(logger))
  .handler(async (parsed) => {
    const event = requireParsed(parsed, 'ECS lifecycle hook');
    logger.appendKeys({ executionId: event.executionId, lifecycleStage: event.lifecycleStage });
    return answerLifecycleHook(event, { ecs: ecsClient, elb: elbv2Client, cloudwatch: cloudWatchClient, logger });
  });
