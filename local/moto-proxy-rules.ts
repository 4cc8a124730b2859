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

/** An ECS task as the JSON protocol carries it, for the fields an address takeover changes. */
interface WireTask {
  taskArn?: string;
  attachments?: Array<{ details?: Array<{ name?: string; value?: string }> }>;
  containers?: Array<{ networkInterfaces?: Array<{ privateIpv4Address?: string }> }>;
}

/**
 * ECS gives a new task the address of an ENI that was freed; moto gives every task a new one. Until a call `when`
 * matches, the `newcomer` task is not there (left out of ListTasks and DescribeTasks answers); from that call on it
 * is, at `ip`: a task that took a stopped task's address at that very moment.
 */
export function takeAddressAt(proxy: MotoProxy, newcomer: string, ip: string, when: CallSelector): () => void {
  const isMoment = selector(when);
  let arrived = false;
  const removals = [
    proxy.addRule({
      name: `${newcomer} arrives`,
      // Seeing the call is the whole rule: it takes no part in it.
      match: (call) => {
        if (isMoment(call)) arrived = true;
        return false;
      },
    }),
    proxy.addRule({
      name: `${newcomer} at ${ip}`,
      match: (call) => selector('ecs:ListTasks')(call) || selector('ecs:DescribeTasks')(call),
      rewrite: (call, upstream) => {
        if (upstream.status !== 200) return upstream;
        const answer = JSON.parse(upstream.body.toString('utf8')) as { taskArns?: string[]; tasks?: WireTask[] };
        if (!arrived) {
          if (answer.taskArns) answer.taskArns = answer.taskArns.filter((arn) => arn !== newcomer);
          if (answer.tasks) answer.tasks = answer.tasks.filter((task) => task.taskArn !== newcomer);
        } else if (call.operation === 'DescribeTasks') {
          for (const task of (answer.tasks ?? []).filter((t) => t.taskArn === newcomer)) {
            for (const detail of (task.attachments ?? []).flatMap((a) => a.details ?? [])) {
              if (detail.name === 'privateIPv4Address') detail.value = ip;
            }
            for (const eni of (task.containers ?? []).flatMap((c) => c.networkInterfaces ?? [])) {
              eni.privateIpv4Address = ip;
            }
          }
        }
        return { ...upstream, body: Buffer.from(JSON.stringify(answer)) };
      },
    }),
  ];
  return () => {
    for (const remove of removals) remove();
  };
}

/**
 * The caller dies the moment a call `when` matches has landed (a Lambda timeout, a lost container): that call goes
 * through, and every call after it is answered with a 500 and not forwarded, so nothing more of the caller reaches
 * AWS. What AWS holds then is what the death leaves. Every caller on the proxy goes dark with it: call the returned
 * function before the next one runs.
 */
export function dieAfter(proxy: MotoProxy, when: CallSelector): () => void {
  const isMoment = selector(when);
  let dead = false;
  return proxy.addRule({
    name: `dead after ${String(when)}`,
    match: (call) => {
      if (dead) return true;
      dead = isMoment(call);
      return false;
    },
    respond: (call) => serverError(call),
  });
}
