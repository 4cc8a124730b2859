import type { Logger } from '@aws-lambda-powertools/logger';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { TaskStateChangeEvent } from '../events/task-state-change.js';
import type { Alert } from '../notify/alert.js';
import { describeServiceTasks } from '../services/observe.js';
import type { ClaimRecord, StateKey } from '../state/index.js';
import type { ScreenedStop, SweepLedger } from './batch-types.js';
import { classifyStop } from './classify.js';

/**
 * What a published sweep says: the ids of the stopped tasks whose targets it handled (ids, not ARNs: 3× less to read),
 * and the alert that reports them with the ids it counts, pending until it is queued. Whoever finds it pending (a
 * batch whose stops it covers, a redelivery of the sweeper's messages) queues it: the same alert, so the outbox and
 * the notifier, which de-duplicate on its delivery key, deliver and count it once.
 */
export interface SweepResult {
  done: string[];
  reported?: string[];
  alert?: Alert;
  queued?: boolean;
}

/** A sweep's record as read: who claimed it, its result once published, and the version a conditional write needs. */
export type SweepRecord = ClaimRecord<SweepResult>;

/** True when the record carries an alert that no one has confirmed queued yet. */
export function alertPending(record: SweepRecord | undefined): boolean {
  return record?.data?.alert !== undefined && record.data.queued !== true;
}

/** A task's id, the last part of its ARN: what a sweep result lists. */
export function taskId(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}

/** One sweep per service per slot: every batch of the slot that finds the claim taken waits for its result. */
export const SWEEP_SLOT_SECONDS = 10;
/** How long a batch waits for another's sweep before doing its own stops itself. */
export const SWEEP_WAIT_MS = 8_000;
/** How long a sweep's claim and result are kept: well past its slot, so a late batch finds its stops covered. */
export const SWEEP_TTL_SECONDS = 300;

/**
 * How long a sweeper may still be at work after its last write: the task function's timeout (30 s) with room. A
 * sweep claimed longer ago that published no result was abandoned (its sweeper timed out or its container died between
 * claiming its stops' reports and publishing their alert): a redelivery of its stops takes it over and reports them.
 * The task-events queue gives a message back only after its visibility timeout (180 s), past every sweeper of its first
 * delivery's slots (`test/integration/package-rules.test.ts` holds the two numbers to that).
 */
export const SWEEPER_LIFETIME_SECONDS = 60;

/** True when a sweep was claimed more than {@link SWEEPER_LIFETIME_SECONDS} ago and published no result. */
export function sweepAbandoned(record: SweepRecord, now: Date): boolean {
  if (record.data?.done) return false;
  const at = Date.parse(record.updatedAt ?? '');
  return Number.isFinite(at) && now.getTime() - at > SWEEPER_LIFETIME_SECONDS * 1000;
}

/** Who reports the stops a sweep claimed: the name its stops' report claims hold. */
export function sweepReporter(key: StateKey): string {
  return `sweep/${key.pk}/${key.sk}`;
}

/** The record of a service's sweep in the slot `now` falls in: claimed by one batch, then its result. */
export function sweepKey(clusterName: string, serviceName: string, now: Date): StateKey {
  const slot = Math.floor(now.getTime() / (SWEEP_SLOT_SECONDS * 1000));
  return { pk: `service/${clusterName}/${serviceName}`, sk: `storm-sweep/${slot}` };
}

/** The id a swept stop that no message of the batch carried is known by: it is nobody's message to return. */
export const SWEPT = 'swept:';

/**
 * The stops ECS knows of the service that no event of the batch names: non-routine, stopped within the event age
 * limit. The sweeper handles them with its own, so that the other batches of the storm find their work done. Given
 * `reportSince` (the start of an abandoned sweep's slot), older stops the abandoned sweep could still have taken are
 * listed too, to be reported only: past the age limit, nothing is done to their targets.
 */
export async function observeSweptStops(
  ecs: ECSClient,
  template: TaskStateChangeEvent,
  known: ReadonlySet<string>,
  policy: ScreenedStop['policy'],
  window: { maxAgeSeconds: number; now: Date; reportSince?: Date },
): Promise<ScreenedStop[]> {
  const { maxAgeSeconds, now, reportSince } = window;
  const clusterName = template.detail.clusterArn.split('/').pop() ?? '';
  const serviceName = template.detail.group?.slice('service:'.length) ?? '';
  const stopped = await describeServiceTasks(ecs, clusterName, serviceName, 'STOPPED');
  const oldest = Math.min(now.getTime(), reportSince?.getTime() ?? now.getTime()) - maxAgeSeconds * 1000;
  return stopped.flatMap((detail) => {
    const at = Date.parse(detail.stoppingAt ?? detail.stoppedAt ?? '');
    const recent = Number.isFinite(at) && (now.getTime() - at) / 1000 <= maxAgeSeconds;
    const classification = classifyStop(detail);
    if (known.has(detail.taskArn) || !(at >= oldest) || classification.routine) return [];
    const event = { ...template, id: `${SWEPT}${detail.taskArn}`, time: new Date(at).toISOString(), detail };
    const asked = recent ? policy : { ...policy, deregisterTargets: false };
    return [{ message: { messageId: `${SWEPT}${detail.taskArn}`, event }, policy: asked, classification }];
  });
}

/** When a sweep's slot began: the earliest it could have looked at its service's stops. */
export function sweepSlotStart(key: StateKey): Date {
  return new Date(Number(key.sk.slice('storm-sweep/'.length)) * SWEEP_SLOT_SECONDS * 1000);
}

/** Waits for the results of other batches' sweeps: one read per round for every sweep the batch waits on. */
export interface SweepWatch {
  /** The sweep's record once its result is published and its alert queued (or still pending when the wait ends). */
  result(key: StateKey): Promise<SweepRecord | undefined>;
}

/** The pauses between reads: the first after about the time a sweep takes, then growing, never in step. */
export function sweepPollDelay(round: number, random: () => number = Math.random): number {
  const ceiling = Math.min(800, 400 * 1.5 ** round);
  return Math.round(ceiling * (0.75 + random() / 2));
}

/**
 * A batch's watch over the sweeps it waits on: every round reads all the records still awaited in one call, so a
 * batch waiting on ten services makes one read a round, not ten. It gives up `waitMs` after it was created.
 */
export function watchSweeps(
  ledger: SweepLedger,
  waitMs = SWEEP_WAIT_MS,
  sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
): SweepWatch {
  const deadline = Date.now() + waitMs;
  const awaited = new Map<
    string,
    { key: StateKey; settle: (record: SweepRecord | undefined) => void; latest?: SweepRecord }
  >();
  let polling = false;
  const poll = async () => {
    for (let round = 0; awaited.size > 0; round++) {
      const pause = sweepPollDelay(round);
      if (Date.now() + pause > deadline) break;
      await sleep(pause);
      const records = await ledger
        .readClaims<SweepResult>([...awaited.values()].map((a) => a.key))
        .catch(() => new Map<string, SweepRecord>());
      for (const [id, waiter] of awaited) {
        const record = records.get(id);
        if (!record?.data?.done) continue;
        waiter.latest = record;
        // Its sweeper confirms the alert queued a moment after publishing it: the waiter queues it only if it does not.
        if (alertPending(record)) continue;
        awaited.delete(id);
        waiter.settle(record);
      }
    }
    for (const waiter of awaited.values()) waiter.settle(waiter.latest);
    awaited.clear();
    polling = false;
  };
  return {
    result: (key) =>
      new Promise((settle) => {
        awaited.set(`${key.pk}/${key.sk}`, { key, settle });
        if (polling) return;
        polling = true;
        void poll();
      }),
  };
}

/**
 * Takes over the abandoned sweeps ({@link sweepAbandoned}) among those the redelivered stops' first deliveries may
 * have joined, one conditional write each: of two redeliveries that find one, one gets it. Per service, the sweeps
 * this batch now holds. A takeover that fails is left to the next redelivery.
 */
export async function takeOverAbandoned(
  firstSweeps: readonly StateKey[][],
  records: ReadonlyMap<string, SweepRecord>,
  owner: string,
  now: Date,
  deps: { sweepLedger?: SweepLedger; logger: Pick<Logger, 'warn'> },
): Promise<StateKey[][]> {
  const { sweepLedger: ledger, logger } = deps;
  return Promise.all(
    firstSweeps.map(async (keys) => {
      const taken: StateKey[] = [];
      for (const key of keys) {
        const record = records.get(`${key.pk}/${key.sk}`);
        if (!ledger || !record || !sweepAbandoned(record, now)) continue;
        const mine = await ledger.takeOverClaim(record, owner).catch((error: unknown) => {
          logger.warn('an abandoned storm sweep could not be taken over', { error, sweep: sweepReporter(key) });
          return false;
        });
        if (!mine) continue;
        logger.warn(`storm sweep ${sweepReporter(key)} was abandoned; this batch reports its stops`);
        taken.push(key);
      }
      return taken;
    }),
  );
}
