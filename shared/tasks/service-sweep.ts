import type { ScreenedStop, TaskBatchDeps } from './batch-types.js';
import { awaitSweep, observeSweptStops, type SweepResult, sweepKeys } from './storm-sweep.js';

/** What a service's share of a batch works on once it has joined the storm's sweep, and how it publishes its result. */
export interface JoinedSweep {
  /** The batch's own stops not handled by another batch's sweep, and, for the sweeper, the other stops ECS knows. */
  stops: ScreenedStop[];
  publish(handled: ReadonlyArray<{ message: { event: { detail: { taskArn: string } } } }>): Promise<void>;
}

const nothingToPublish = async () => undefined;

/**
 * In a storm (two stops or more of one service in a batch) one batch per service and slot claims a sweep and takes
 * every recent stop of the service ECS knows; the others, lone stops included, wait for its result and keep only
 * what it did not handle. Undefined when another sweep handled every stop of this batch. Without a ledger, or for a
 * lone stop while no sweep is under way, the batch works alone.
 */
export async function joinStormSweep(
  screened: readonly ScreenedStop[],
  deps: Pick<TaskBatchDeps, 'sweepLedger' | 'clients' | 'config' | 'logger' | 'now'>,
  share: { notes: string[] },
): Promise<JoinedSweep | undefined> {
  const { sweepLedger: ledger, logger } = deps;
  const acting = screened.filter((s) => s.policy.deregisterTargets && !s.classification.routine);
  const first = acting[0];
  const alone: JoinedSweep = { stops: [...screened], publish: nothingToPublish };
  if (!ledger || !first) return alone;
  const now = deps.now?.() ?? new Date();
  const detail = first.message.event.detail;
  const keys = sweepKeys(detail.clusterArn.split('/').pop() ?? '', detail.group?.slice('service:'.length) ?? '', now);
  const publish = async (done: string[]) => {
    await ledger
      .create<SweepResult>(keys.result, { done }, { ttlSeconds: 300 })
      .catch((error: unknown) => logger.warn('the storm sweep result could not be published', { error }));
  };
  const covering = async (): Promise<JoinedSweep | undefined> => {
    const done = await awaitSweep(ledger, keys.result);
    if (!done) return alone;
    const left = screened.filter((s) => !done.has(s.message.event.detail.taskArn));
    const covered = screened.length - left.length;
    if (covered > 0) share.notes.push(`${covered} stop(s) handled by the storm sweep of another batch`);
    return left.length === 0 ? undefined : { stops: left, publish: nothingToPublish };
  };
  let claimed = false;
  try {
    // A lone stop claims no sweep, but joins one that is under way rather than race it.
    if (new Set(acting.map((s) => s.message.event.detail.taskArn)).size < 2) {
      return (await ledger.get(keys.claim)) ? await covering() : alone;
    }
    claimed = await ledger.claimOnce(keys.claim, { ttlSeconds: 120 });
    if (!claimed) return await covering();
    const known = new Set(screened.map((s) => s.message.event.detail.taskArn));
    const maxAge = deps.config.events.maxAgeSeconds;
    const swept = await observeSweptStops(deps.clients.ecs, first.message.event, known, first.policy, maxAge, now);
    logger.info(`storm sweep: ${swept.length} more recent stop(s) of the service taken with this batch's`);
    return {
      stops: [...screened, ...swept],
      publish: (handled) => publish([...new Set(handled.map((s) => s.message.event.detail.taskArn))]),
    };
  } catch (error) {
    logger.warn('the storm sweep is unavailable; the batch handles its own stops', { error });
    // The others must not wait for a sweep that will not come.
    if (claimed) await publish([]);
    return alone;
  }
}
