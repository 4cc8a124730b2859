import { randomUUID } from 'node:crypto';
import type { StateKey } from '../state/index.js';
import type { ScreenedStop, TaskBatchDeps } from './batch-types.js';
import {
  observeSweptStops,
  SWEEP_TTL_SECONDS,
  type SweepResult,
  type SweepWatch,
  sweepKey,
  taskId,
  watchSweeps,
} from './storm-sweep.js';

/** A service's part in its storm's sweep, settled for the whole batch before any service is worked on. */
export type SweepTicket =
  | { role: 'alone' }
  | { role: 'sweeper'; key: StateKey; owner: string }
  | { role: 'waiter'; key: StateKey; done?: Set<string> };

/** What a service's share of a batch works on once it has joined the storm's sweep, and how it publishes its result. */
export interface JoinedSweep {
  /** The batch's own stops not handled by another batch's sweep, and, for the sweeper, the other stops ECS knows. */
  stops: ScreenedStop[];
  publish(handled: ReadonlyArray<{ message: { event: { detail: { taskArn: string } } } }>): Promise<void>;
}

const nothingToPublish = async () => undefined;

type SweepDeps = Pick<TaskBatchDeps, 'sweepLedger' | 'clients' | 'config' | 'logger' | 'now'>;

function distinctActing(screened: readonly ScreenedStop[]): ScreenedStop[] {
  const acting = screened.filter((s) => s.policy.deregisterTargets && !s.classification.routine);
  return [...new Map(acting.map((s) => [s.message.event.detail.taskArn, s])).values()];
}

function keyOf(stop: ScreenedStop, now: Date): StateKey {
  const detail = stop.message.event.detail;
  return sweepKey(detail.clusterArn.split('/').pop() ?? '', detail.group?.slice('service:'.length) ?? '', now);
}

/**
 * Settles every service's part in its storm's sweep with at most one write and one read for the whole batch. A batch
 * with two stops or more is in a storm: each of its services claims its sweep (one transaction for all of them, which
 * also says, for each claim lost, whether that sweep's result is already there). A batch of one stop claims none but
 * joins a sweep under way. Without a ledger, or when it cannot be reached, every service works alone.
 */
export async function settleSweeps(
  byService: ReadonlyArray<readonly ScreenedStop[]>,
  deps: SweepDeps,
): Promise<{ tickets: SweepTicket[]; watch?: SweepWatch }> {
  const { sweepLedger: ledger, logger } = deps;
  const tickets: SweepTicket[] = byService.map(() => ({ role: 'alone' }));
  if (!ledger) return { tickets };
  const now = deps.now?.() ?? new Date();
  const owner = randomUUID();
  const acting = byService.map(distinctActing);
  const storm = acting.reduce((n, a) => n + a.length, 0) >= 2;
  const storms = storm ? acting.flatMap((a, i) => (a[0] ? [{ i, key: keyOf(a[0], now) }] : [])) : [];
  const lone = storm ? [] : acting.flatMap((a, i) => (a[0] ? [{ i, key: keyOf(a[0], now) }] : []));
  const doneOf = (data: SweepResult | null | undefined) => (data ? new Set(data.done) : undefined);
  try {
    const [claims, underWay] = await Promise.all([
      storms.length > 0
        ? ledger.claimEach<SweepResult>(
            storms.map((s) => s.key),
            { owner, ttlSeconds: SWEEP_TTL_SECONDS },
          )
        : [],
      lone.length > 0 ? ledger.readClaims<SweepResult>(lone.map((s) => s.key)) : new Map(),
    ]);
    claims.forEach((claim, n) => {
      const { i, key } = storms[n] as (typeof storms)[number];
      const done = doneOf(claim.record?.data);
      tickets[i] = claim.mine ? { role: 'sweeper', key, owner } : { role: 'waiter', key, ...(done && { done }) };
    });
    for (const { i, key } of lone) {
      const record = underWay.get(`${key.pk}/${key.sk}`);
      const done = doneOf(record?.data);
      if (record) tickets[i] = { role: 'waiter', key, ...(done && { done }) };
    }
  } catch (error) {
    logger.warn('the storm sweeps are unavailable; each service of the batch handles its own stops', { error });
    return { tickets: byService.map(() => ({ role: 'alone' })) };
  }
  const waiting = tickets.some((t) => t.role === 'waiter' && !t.done);
  return { tickets, ...(waiting && { watch: watchSweeps(ledger) }) };
}

/**
 * One service's share joins its storm's sweep: the sweeper takes every recent stop of the service ECS knows and
 * publishes what it handled; a waiter keeps only what that sweep did not handle (undefined when it handled all of
 * it), once its result is known, or all of its stops when none came in time.
 */
export async function joinStormSweep(
  screened: readonly ScreenedStop[],
  ticket: SweepTicket,
  watch: SweepWatch | undefined,
  deps: SweepDeps,
  share: { notes: string[] },
): Promise<JoinedSweep | undefined> {
  const { sweepLedger: ledger, logger } = deps;
  const alone: JoinedSweep = { stops: [...screened], publish: nothingToPublish };
  if (ticket.role === 'alone' || !ledger) return alone;
  if (ticket.role === 'waiter') {
    const done = ticket.done ?? (await watch?.result(ticket.key));
    if (!done) return alone;
    const left = screened.filter((s) => !done.has(taskId(s.message.event.detail.taskArn)));
    const covered = screened.length - left.length;
    if (covered > 0) share.notes.push(`${covered} stop(s) handled by the storm sweep of another batch`);
    return left.length === 0 ? undefined : { stops: left, publish: nothingToPublish };
  }
  const publish = async (done: string[]) => {
    await ledger
      .recordOnClaim<SweepResult>(ticket.key, ticket.owner, { done })
      .catch((error: unknown) => logger.warn('the storm sweep result could not be published', { error }));
  };
  const first = distinctActing(screened)[0];
  if (!first) return alone;
  try {
    const known = new Set(screened.map((s) => s.message.event.detail.taskArn));
    const now = deps.now?.() ?? new Date();
    const maxAge = deps.config.events.maxAgeSeconds;
    const swept = await observeSweptStops(deps.clients.ecs, first.message.event, known, first.policy, maxAge, now);
    logger.info(`storm sweep: ${swept.length} more recent stop(s) of the service taken with this batch's`);
    return {
      stops: [...screened, ...swept],
      publish: (handled) => publish([...new Set(handled.map((s) => taskId(s.message.event.detail.taskArn)))]),
    };
  } catch (error) {
    logger.warn('the storm sweep is unavailable; the batch handles its own stops', { error });
    // The others must not wait for a sweep that will not come.
    await publish([]);
    return alone;
  }
}
