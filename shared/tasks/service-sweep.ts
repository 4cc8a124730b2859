import { randomUUID } from 'node:crypto';
import type { Alert } from '../notify/alert.js';
import type { StateKey } from '../state/index.js';
import type { ScreenedStop, TaskBatchDeps } from './batch-types.js';
import { parkStopAlert } from './stop-reports.js';
import {
  alertPending,
  observeSweptStops,
  SWEEP_SLOT_SECONDS,
  SWEEP_TTL_SECONDS,
  type SweepRecord,
  type SweepResult,
  type SweepWatch,
  sweepKey,
  sweepReporter,
  sweepSlotStart,
  takeOverAbandoned,
  taskId,
  watchSweeps,
} from './storm-sweep.js';

/** A service's part in its storm's sweep, settled for the whole batch before any service is worked on. */
export type SweepTicket =
  | { role: 'alone' }
  | {
      role: 'sweeper';
      key: StateKey;
      owner: string;
      /** Abandoned sweeps this batch took over (`key` among them when it is one): their stops are its to report. */
      takenOver?: StateKey[];
    }
  | { role: 'waiter'; key: StateKey; record?: SweepRecord };

/** An alert kept pending in a sweep's record: queue it, then confirm, so that no one queues it again. */
export interface PendingAlert {
  alert: Alert;
  confirm(): Promise<void>;
}

/** What a service's share of a batch works on once it has joined the storm's sweep, and how it publishes its result. */
export interface JoinedSweep {
  /** The batch's own stops not handled by another batch's sweep, and, for the sweeper, the other stops ECS knows. */
  stops: ScreenedStop[];
  /** Ids of stops an earlier sweep's alert already counts: handled again if need be, never reported twice. */
  reportedElsewhere: Set<string>;
  /** Pending alerts of other sweeps that count some of these stops: this batch queues them. */
  adopted: PendingAlert[];
  /** Who reports the stops, for the sweeper: its sweep, whose record keeps the alert until it is queued. */
  reporter?: string;
  /**
   * The reporters of abandoned sweeps this sweeper took over: every stop whose report they claimed is this batch's to
   * report, whether or not this batch had work to do for it.
   */
  takenOver?: string[];
  /** Publishes what was handled and the alert that reports it; what confirms that alert once queued. */
  publish(
    handled: ReadonlyArray<{ message: { event: { detail: { taskArn: string } } } }>,
    report?: { alert: Alert; reported: string[] },
  ): Promise<PendingAlert | undefined>;
}

type SweepDeps = Pick<TaskBatchDeps, 'sweepLedger' | 'clients' | 'config' | 'logger' | 'now'>;

/** The cluster and service a stop is of, by name. */
function serviceOf(stop: ScreenedStop | undefined): { clusterName: string; serviceName: string } | undefined {
  const detail = stop?.message.event.detail;
  if (!detail) return undefined;
  return {
    clusterName: detail.clusterArn.split('/').pop() ?? '',
    serviceName: detail.group?.slice('service:'.length) ?? '',
  };
}

function distinctActing(screened: readonly ScreenedStop[]): ScreenedStop[] {
  const acting = screened.filter((s) => s.policy.deregisterTargets && !s.classification.routine);
  return [...new Map(acting.map((s) => [s.message.event.detail.taskArn, s])).values()];
}

function keyOf(stop: ScreenedStop, at: Date): StateKey {
  const { clusterName = '', serviceName = '' } = serviceOf(stop) ?? {};
  return sweepKey(clusterName, serviceName, at);
}

/** The sweeps a redelivered stop's first delivery may have joined: the slot it was first received in and the next. */
function firstDeliverySweeps(stops: readonly ScreenedStop[]): StateKey[] {
  const keys = new Map<string, StateKey>();
  for (const s of stops) {
    const { attempt = 1, firstReceivedAt } = s.message;
    if (attempt <= 1 || firstReceivedAt === undefined) continue;
    for (const at of [firstReceivedAt, firstReceivedAt + SWEEP_SLOT_SECONDS * 1000]) {
      const key = keyOf(s, new Date(at));
      keys.set(`${key.pk}/${key.sk}`, key);
    }
  }
  return [...keys.values()];
}

/**
 * Settles every service's part in its storm's sweep with at most one write and one read for the whole batch. A batch
 * with two stops or more is in a storm: each of its services claims its sweep (one transaction for all of them, which
 * also says, for each claim lost, whether that sweep's result is already there). A batch of one stop claims none but
 * joins a sweep under way. The same read finds, for redelivered stops, the sweeps of their first delivery and the
 * alerts those left. Without a ledger, or when it cannot be reached, every service works alone.
 */
export async function settleSweeps(
  byService: ReadonlyArray<readonly ScreenedStop[]>,
  deps: SweepDeps,
): Promise<{ tickets: SweepTicket[]; watch?: SweepWatch; earlier: SweepRecord[][] }> {
  const { sweepLedger: ledger, logger } = deps;
  const tickets: SweepTicket[] = byService.map(() => ({ role: 'alone' }));
  const nothingEarlier = byService.map(() => []);
  if (!ledger) return { tickets, earlier: nothingEarlier };
  const now = deps.now?.() ?? new Date();
  const owner = randomUUID();
  const acting = byService.map(distinctActing);
  const storm = acting.reduce((n, a) => n + a.length, 0) >= 2;
  const storms = storm ? acting.flatMap((a, i) => (a[0] ? [{ i, key: keyOf(a[0], now) }] : [])) : [];
  const lone = storm ? [] : acting.flatMap((a, i) => (a[0] ? [{ i, key: keyOf(a[0], now) }] : []));
  const firstSweeps = byService.map(firstDeliverySweeps);
  // BatchGetItem refuses a key asked twice.
  const read = [
    ...new Map([...lone.map((s) => s.key), ...firstSweeps.flat()].map((k) => [`${k.pk}/${k.sk}`, k])).values(),
  ];
  const earlier: SweepRecord[][] = byService.map(() => []);
  try {
    const [claims, records] = await Promise.all([
      storms.length > 0
        ? ledger.claimEach<SweepResult>(
            storms.map((s) => s.key),
            { owner, ttlSeconds: SWEEP_TTL_SECONDS },
          )
        : [],
      read.length > 0 ? ledger.readClaims<SweepResult>(read) : new Map<string, SweepRecord>(),
    ]);
    claims.forEach((claim, n) => {
      const { i, key } = storms[n] as (typeof storms)[number];
      const record = claim.record?.data?.done ? claim.record : undefined;
      tickets[i] = claim.mine ? { role: 'sweeper', key, owner } : { role: 'waiter', key, ...(record && { record }) };
    });
    for (const { i, key } of lone) {
      const record = records.get(`${key.pk}/${key.sk}`);
      if (record) tickets[i] = { role: 'waiter', key, ...(record.data?.done && { record }) };
    }
    // A redelivery may be the sweeper's own, returned because its alert was not queued: that alert counts stops of
    // other batches' messages too, so every alert of those sweeps is the redelivery's to queue if still pending.
    firstSweeps.forEach((keys, i) => {
      for (const key of keys) {
        const record = records.get(`${key.pk}/${key.sk}`);
        if (record?.data?.reported) earlier[i]?.push(record);
      }
    });
    const takenOver = await takeOverAbandoned(firstSweeps, records, owner, now, deps);
    takenOver.forEach((keys, i) => {
      const ticket = tickets[i];
      if (!keys[0] || !ticket) return;
      tickets[i] = {
        ...(ticket.role === 'sweeper' ? ticket : { role: 'sweeper', key: keys[0], owner }),
        takenOver: keys,
      };
    });
  } catch (error) {
    logger.warn('the storm sweeps are unavailable; each service of the batch handles its own stops', { error });
    return { tickets: byService.map(() => ({ role: 'alone' })), earlier: nothingEarlier };
  }
  const waiting = tickets.some((t) => t.role === 'waiter' && !t.record);
  return { tickets, earlier, ...(waiting && { watch: watchSweeps(ledger) }) };
}

/** The pending alerts among `records`, each confirmed by a conditional write once queued. */
function adoptPending(records: readonly SweepRecord[], deps: SweepDeps): PendingAlert[] {
  return records.flatMap((record) => {
    const { data } = record;
    if (!data?.alert || !alertPending(record)) return [];
    const confirm = async () => {
      if (!deps.sweepLedger || record.version === undefined) return;
      const current = {
        key: record.key,
        version: record.version,
        data,
        ...(record.expiresAt && { expiresAt: record.expiresAt }),
      };
      // Lost to another batch that confirmed it first: it is queued either way.
      await deps.sweepLedger.replace<SweepResult>(current, { ...data, queued: true }).catch(() => undefined);
    };
    return [{ alert: data.alert, confirm }];
  });
}

/**
 * One service's share joins its storm's sweep: the sweeper takes every recent stop of the service ECS knows and
 * publishes what it handled and its alert; a waiter keeps only what that sweep did not handle (nothing when it handled
 * all of it), once its result is known, or all of its stops when none came in time, and queues the sweep's alert if it
 * is still pending. Stops an earlier sweep's alert counts are never reported again; that alert is queued if pending.
 */
export async function joinStormSweep(
  screened: readonly ScreenedStop[],
  ticket: SweepTicket,
  watch: SweepWatch | undefined,
  earlier: readonly SweepRecord[],
  deps: SweepDeps,
  share: { notes: string[] },
): Promise<JoinedSweep> {
  const { sweepLedger: ledger, logger } = deps;
  const reportedElsewhere = new Set(earlier.flatMap((r) => r.data?.reported ?? []));
  const adopted = adoptPending(earlier, deps);
  const nothingToPublish = async () => undefined;
  const alone: JoinedSweep = { stops: [...screened], reportedElsewhere, adopted, publish: nothingToPublish };
  if (ticket.role === 'alone' || !ledger) return alone;
  if (ticket.role === 'waiter') {
    const record = ticket.record ?? (await watch?.result(ticket.key));
    const done = record?.data?.done;
    if (!record || !done) return alone;
    const covered = new Set(done);
    const left = screened.filter((s) => !covered.has(taskId(s.message.event.detail.taskArn)));
    const handled = screened.length - left.length;
    if (handled > 0) share.notes.push(`${handled} stop(s) handled by the storm sweep of another batch`);
    const theirs = adoptPending([record], deps);
    return { ...alone, stops: left, adopted: [...adopted, ...theirs] };
  }
  const { key, owner } = ticket;
  // The result goes on every sweep this batch holds: an abandoned one it took over is published as done too.
  const takenOver = (ticket.takenOver ?? []).map(sweepReporter);
  const keys = [key, ...(ticket.takenOver ?? []).filter((k) => sweepReporter(k) !== sweepReporter(key))];
  const recordAll = (result: SweepResult) =>
    Promise.all(keys.map((k) => ledger.recordOnClaim<SweepResult>(k, owner, result)));
  const publish = async (result: SweepResult): Promise<PendingAlert | undefined> => {
    const { alert, reported } = result;
    try {
      await recordAll(result);
    } catch (error) {
      logger.warn('the storm sweep result could not be published', { error });
      // Unpublished, the sweep looks abandoned to a later redelivery, which would count its stops again: the alert
      // kept beside their claims tells it they are counted.
      const service = serviceOf(screened[0]);
      if (alert && reported && service)
        await parkStopAlert(ledger, service, { alert, reported }).catch((parkError: unknown) =>
          logger.error('the storm sweep alert could not be kept beside its claims either', { error: parkError }),
        );
      return undefined;
    }
    if (!alert) return undefined;
    const confirm = async () => {
      await recordAll({ ...result, queued: true }).catch((error: unknown) =>
        logger.warn('the storm sweep alert could not be confirmed queued', { error }),
      );
    };
    return { alert, confirm };
  };
  const publishHandled: JoinedSweep['publish'] = (handled, report) =>
    publish({
      done: [...new Set(handled.map((s) => taskId(s.message.event.detail.taskArn)))],
      ...(report && { alert: report.alert, reported: report.reported, queued: false }),
    });
  const first = distinctActing(screened)[0];
  if (!first) return alone;
  try {
    const known = new Set(screened.map((s) => s.message.event.detail.taskArn));
    const now = deps.now?.() ?? new Date();
    // A sweep taken over may have taken stops older than this batch's age limit: they are listed to be reported.
    const since = ticket.takenOver?.map(sweepSlotStart).sort((a, b) => a.getTime() - b.getTime())[0];
    const window = { maxAgeSeconds: deps.config.events.maxAgeSeconds, now, ...(since && { reportSince: since }) };
    const swept = await observeSweptStops(deps.clients.ecs, first.message.event, known, first.policy, window);
    logger.info(`storm sweep: ${swept.length} more recent stop(s) of the service taken with this batch's`);
    return {
      ...alone,
      stops: [...screened, ...swept],
      reporter: sweepReporter(key),
      ...(takenOver.length > 0 && { takenOver }),
      publish: publishHandled,
    };
  } catch (error) {
    logger.warn('the storm sweep is unavailable; the batch handles its own stops', { error });
    // A sweep taken over is still this batch's to publish, with what it carries and what the claims say: published,
    // it is no longer abandoned, so no later redelivery counts its stops again.
    if (takenOver.length > 0) return { ...alone, reporter: sweepReporter(key), takenOver, publish: publishHandled };
    // The others must not wait for a sweep that will not come.
    await publish({ done: [] });
    return alone;
  }
}
