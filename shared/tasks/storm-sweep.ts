import type { ECSClient } from '@aws-sdk/client-ecs';
import type { TaskStateChangeEvent } from '../events/task-state-change.js';
import type { LeaseKey } from '../executor/target-group-lease.js';
import { describeServiceTasks } from '../services/observe.js';
import type { ScreenedStop, SweepLedger } from './batch-types.js';
import { classifyStop } from './classify.js';

/** What a published sweep says: the stopped tasks whose targets it handled. */
export interface SweepResult {
  done: string[];
}

/** One sweep per service per slot: every batch of the slot that finds the claim taken waits for its result. */
export const SWEEP_SLOT_SECONDS = 10;
/** How long a batch waits for another's sweep before doing its own stops itself. */
export const SWEEP_WAIT_MS = 8_000;

/** The claim and the result of a service's sweep in the slot `now` falls in. */
export function sweepKeys(clusterName: string, serviceName: string, now: Date) {
  const slot = Math.floor(now.getTime() / (SWEEP_SLOT_SECONDS * 1000));
  const pk = `service/${clusterName}/${serviceName}`;
  return { claim: { pk, sk: `storm-sweep/${slot}/claim` }, result: { pk, sk: `storm-sweep/${slot}/result` } };
}

/** The id a swept stop that no message of the batch carried is known by: it is nobody's message to return. */
export const SWEPT = 'swept:';

/**
 * The stops ECS knows of the service that no event of the batch names: non-routine, stopped within the event age
 * limit. The sweeper handles them with its own, so that the other batches of the storm find their work done.
 */
export async function observeSweptStops(
  ecs: ECSClient,
  template: TaskStateChangeEvent,
  known: ReadonlySet<string>,
  policy: ScreenedStop['policy'],
  maxAgeSeconds: number,
  now: Date,
): Promise<ScreenedStop[]> {
  const clusterName = template.detail.clusterArn.split('/').pop() ?? '';
  const serviceName = template.detail.group?.slice('service:'.length) ?? '';
  const stopped = await describeServiceTasks(ecs, clusterName, serviceName, 'STOPPED');
  return stopped.flatMap((detail) => {
    const at = Date.parse(detail.stoppingAt ?? detail.stoppedAt ?? '');
    const recent = Number.isFinite(at) && (now.getTime() - at) / 1000 <= maxAgeSeconds;
    const classification = classifyStop(detail);
    if (known.has(detail.taskArn) || !recent || classification.routine) return [];
    const event = { ...template, id: `${SWEPT}${detail.taskArn}`, time: new Date(at).toISOString(), detail };
    return [{ message: { messageId: `${SWEPT}${detail.taskArn}`, event }, policy, classification }];
  });
}

/** Waits for the published result of another batch's sweep; undefined when none came in time. */
export async function awaitSweep(
  ledger: SweepLedger,
  key: LeaseKey,
  waitMs = SWEEP_WAIT_MS,
  sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
): Promise<Set<string> | undefined> {
  const deadline = Date.now() + waitMs;
  // Short waits first (a sweep takes a few hundred ms), then no more than 2 reads a second per waiting batch.
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    const result = await ledger.get<SweepResult>(key);
    if (result) return new Set(result.data.done);
    if (Date.now() + pause > deadline) return undefined;
    await sleep(pause);
  }
}
