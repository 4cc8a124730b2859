import { randomUUID } from 'node:crypto';
import {
  type AwsCall,
  awsErrorResponse,
  type CallSelector,
  type MotoProxy,
  selector,
  serverError,
} from './moto-proxy.js';

/**
 * moto does not record when a task stopped (`stoppedAt`, `stoppingAt`); real ECS always does. This rule stamps the
 * stopped tasks of DescribeTasks answers with the given time, so grace periods can be judged as against AWS; with
 * `taskArns`, only those tasks (tasks that stopped at different times get one rule each).
 */
export function stampStoppedTasks(proxy: MotoProxy, stoppedAt: Date, taskArns?: readonly string[]): () => void {
  const isDescribeTasks = selector('ecs:DescribeTasks');
  return proxy.addRule({
    name: 'stamp stoppedAt on stopped tasks',
    match: isDescribeTasks,
    rewrite: (_call, upstream) => {
      if (upstream.status !== 200) return upstream;
      const answer = JSON.parse(upstream.body.toString('utf8')) as { tasks?: Array<Record<string, unknown>> };
      const epochSeconds = stoppedAt.getTime() / 1000;
      for (const task of answer.tasks ?? []) {
        const chosen = taskArns === undefined || taskArns.includes(String(task.taskArn));
        if (chosen && task.lastStatus === 'STOPPED' && task.stoppedAt === undefined) {
          task.stoppingAt = epochSeconds;
          task.stoppedAt = epochSeconds;
        }
      }
      return { ...upstream, body: Buffer.from(JSON.stringify(answer)) };
    },
  });
}

const isWeightWrite = (call: AwsCall) =>
  call.service === 'elasticloadbalancing' && (call.operation === 'ModifyRule' || call.operation === 'ModifyListener');

/** The weights of a ModifyRule/ModifyListener request's forward actions, from its query parameters. */
function forwardWeights(call: AwsCall): number[][] {
  const params = (call.params ?? {}) as Record<string, string>;
  const byAction = new Map<string, number[]>();
  for (const [name, value] of Object.entries(params)) {
    const match = /^(?:Actions|DefaultActions)\.member\.(\d+)\.ForwardConfig\.TargetGroups\.member\.\d+\.Weight$/.exec(
      name,
    );
    if (match?.[1]) byAction.set(match[1], [...(byAction.get(match[1]) ?? []), Number(value)]);
  }
  return [...byAction.values()];
}

/**
 * moto stores weights above 999, more than 5 target groups and an all-zero forward action; AWS refuses each with a
 * ValidationError. This rule answers as AWS does.
 */
export function refuseInvalidWeights(proxy: MotoProxy): () => void {
  return proxy.addRule({
    name: 'refuse forward weights AWS refuses',
    match: isWeightWrite,
    respond: (call) => {
      const invalid = forwardWeights(call).some(
        (weights) => weights.length > 5 || weights.some((w) => w > 999 || w < 0) || weights.every((w) => w === 0),
      );
      return invalid
        ? awsErrorResponse(call, { status: 400, code: 'ValidationError', message: 'Invalid forward action weights' })
        : undefined;
    },
  });
}

/**
 * Acknowledges the next `times` weight writes without passing them to moto: a write that did not land (overtaken by
 * another writer, or not yet visible where it is read), which only reading it back can find.
 */
export function loseWeightWrites(proxy: MotoProxy, times: number): () => void {
  return proxy.addRule({
    name: 'acknowledge weight writes without applying them',
    match: isWeightWrite,
    times,
    respond: (call) => ({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<${call.operation}Response><${call.operation}Result><${call.operation === 'ModifyRule' ? 'Rules' : 'Listeners'}/></${call.operation}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${call.operation}Response>`,
    }),
  });
}

/**
 * The write reaches moto and lands, but its caller gets a server error instead of the answer (a 5xx, or a timeout,
 * after the write): for the next `times` matching calls. What the caller does next (retry, give up, be redelivered)
 * must not change anything twice.
 */
export function loseAnswersAfterWrite(proxy: MotoProxy, operation: CallSelector, times: number, status = 500) {
  return proxy.addRule({
    name: `${status} after ${String(operation)} landed`,
    match: selector(operation),
    times,
    rewrite: (call) => serverError(call, status),
  });
}

/**
 * The write reaches moto and lands, and its answer is held `ms` (longer than the caller's request timeout): the caller
 * times out after the write landed, for the next `times` matching calls.
 */
export function timeOutAfterWrite(proxy: MotoProxy, operation: CallSelector, times: number, ms: number) {
  return proxy.addRule({
    name: `time out after ${String(operation)} landed`,
    match: selector(operation),
    times,
    answerDelayMs: ms,
  });
}
