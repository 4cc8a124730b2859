import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The functions an event can be replayed through, loaded only when asked for (each reads its env at load). */
export const replayFunctions = {
  'task-state-change': () => import('#functions/task-state-change/handler.js'),
};

/** A Lambda context for running a handler outside Lambda. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `ecs-autopilot-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:ecs-autopilot-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/ecs-autopilot-${functionName}`,
    logStreamName: 'replay',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
