import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/**
 * A handler as a replay calls it: with the event file's JSON, which the handler parses itself (hence `never`: the
 * handlers' own event types differ), and a Lambda context.
 */
export type ReplayHandler = (event: never, context: Context) => Promise<unknown>;

export type ReplayFunction =
  | 'task-state-change'
  | 'alarm-state-change'
  | 'service-event'
  | 'reconciler'
  | 'canary-promoter'
  | 'audit';

/** The functions an event can be replayed through, loaded only when asked for (each reads its env at load). */
export const replayFunctions = {
  'task-state-change': () => import('#functions/task-state-change/handler.js'),
  'alarm-state-change': () => import('#functions/alarm-state-change/handler.js'),
  'service-event': () => import('#functions/service-event/handler.js'),
  reconciler: () => import('#functions/reconciler/handler.js'),
  'canary-promoter': () => import('#functions/canary-promoter/handler.js'),
  audit: () => import('#functions/audit/handler.js'),
} satisfies Record<ReplayFunction, () => Promise<{ handler: unknown }>>;

/** A Lambda context for running a handler outside Lambda, as if deployed in `home` (the product's account/region). */
export function lambdaContext(
  functionName: string,
  home: { account: string; region: string } = { account: '000000000000', region: 'local' },
): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `ecs-autopilot-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${home.region}:${home.account}:function:ecs-autopilot-${functionName}`,
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
