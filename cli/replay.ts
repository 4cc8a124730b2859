import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent } from 'aws-lambda';
import type { AuditRecord } from '#shared/executor/audit.js';
import type { Alert } from '#shared/notify/alert.js';
import type { TaskBatchReaction } from '#shared/tasks/batch-react.js';

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

/** Events as the task-events queue hands them to the function: one SQS batch, one message per event, in order. */
export function queuedBatch(events: readonly unknown[], region = 'us-east-1', account = '000000000000'): SQSEvent {
  const now = String(Date.now());
  return {
    Records: events.map((event, index) => ({
      messageId: `${randomUUID()}`,
      receiptHandle: `replay-${index}`,
      body: JSON.stringify(event),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: now,
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:${account}:ecs-autopilot-task-events`,
      awsRegion: region,
    })),
  };
}

/** What a function receives for an event: the task reaction reads it from its queue, the others take it as is. */
export function deliveredAs(fn: ReplayFunction, event: unknown): unknown {
  const alreadyQueued = Array.isArray((event as { Records?: unknown } | null)?.Records);
  if (fn !== 'task-state-change' || alreadyQueued) return event;
  const { region, account } = (event ?? {}) as { region?: string; account?: string };
  return queuedBatch([event], region, account);
}

/** What a replay reports of any reaction. */
export interface ReplayResult {
  ignored?: string;
  classification?: { kind: string; severity: string; summary: string };
  audit?: AuditRecord[];
  alert?: Alert;
}

/** The event's work failed: in Lambda it would be returned to its queue and retried. */
export class ReplayFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayFailedError';
  }
}

/**
 * The task reaction answers for a batch; a replay of one event reports it as the other reactions do, and fails as
 * they do when the work failed (the message would go back to the queue).
 */
export function replayResultOf(fn: ReplayFunction, answer: unknown): ReplayResult {
  if (fn !== 'task-state-change') return answer as ReplayResult;
  const { reaction } = answer as { reaction: TaskBatchReaction };
  const failure = reaction.failures[0];
  if (failure) throw new ReplayFailedError(`the event would be retried: ${failure.why}`);
  const share = reaction.services[0];
  const why = [...reaction.ignored.map((i) => i.why), ...(share?.notes ?? [])];
  return {
    ...(why.length > 0 && !share?.outcomes.length ? { ignored: why.join('; ') } : {}),
    audit: reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.audit)),
    ...(share?.alert ? { alert: share.alert } : {}),
  };
}

/** The account and region an event names: a replay runs as if deployed there. */
export function homeOfEvent(event: unknown): { account: string; region: string } | undefined {
  const { account, region } = (event ?? {}) as { account?: unknown; region?: unknown };
  return typeof account === 'string' && typeof region === 'string' ? { account, region } : undefined;
}

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
