import type { CrashLoopOptions } from '../../config/notifications.js';
import { type Place, partitionAt } from '../../config/places.js';
import type { TaskStateChangeEvent } from '../../events/task-state-change.js';
import type { Alert } from '../../notify/alert.js';
import type { StateKey, StateLedger } from '../../state/index.js';
import type { StopClassification } from '../classify.js';
import { halfWindowStart, isFailedStop, judgeCrashLoop } from './plan.js';
import { crashLoopAlert, type FailedStop } from './report.js';

/** What the task path reports to the crash-loop detector: the stops it just handled of one service. */
export interface ServiceStops {
  cluster: string;
  service: string;
  region: string;
  account: string;
  desiredCount: number;
  stops: FailedStop[];
  dryRun: boolean;
  now: Date;
  /** The deployment's own account and region; absent, the service is taken to be there. */
  home?: Place;
}

/** The partition of a service's crash-loop counters: the same names in another account or region count apart. Pure. */
export function crashLoopPartition(
  report: Pick<ServiceStops, 'cluster' | 'service' | 'account' | 'region' | 'home'>,
): string {
  const place = { account: report.account, region: report.region };
  return partitionAt(`crash-loop/${report.cluster}/${report.service}`, place, report.home ?? place);
}

/** The counter's set of crash-loop alerts that could not be queued: the next count of the service's stops finds them. */
const PENDING = 'pending-alerts';

/** A crash-loop alert to queue, and what to tell the counter once that was tried. */
export interface CrashLoopNotice {
  alert: Alert;
  /** Once it is queued: an alert that waited on the counter is taken off it (a new one was never on it). */
  queued(): Promise<void>;
  /** When it could not be queued: it waits on the counter (one write), where the next count of the stops finds it. */
  unqueued(): Promise<void>;
}

type CounterStore = Pick<StateLedger, 'addToSets' | 'removeFromSets'>;

/**
 * The task path's one call: counts the service's failed stops in a durable counter and returns the crash-loop alert
 * when these stops reached the threshold (one per window, however many invocations count at once), after any alert
 * an earlier count could not queue (the same write answers both).
 */
export async function countServiceStops(
  store: CounterStore,
  report: ServiceStops,
  options: CrashLoopOptions,
): Promise<CrashLoopNotice[]> {
  if (!options.enabled) return [];
  const failedStops = report.stops.filter((s) => isFailedStop(s.classification));
  const stops = [...new Map(failedStops.map((s) => [s.taskArn, s])).values()];
  if (stops.length === 0) return [];
  // Set `h` holds the stops of halves h-1 and h, i.e. the window that ends with half h; each stop also primes h+1. A
  // stop is reported by several events (stopping, stopped) and to several containers: a set holds it once. One write.
  const half = (options.windowSeconds * 1000) / 2;
  const start = halfWindowStart(report.now, options);
  const [current, next] = [`stops/${start}`, `stops/${start + half}`];
  const ids = stops.map((s) => s.taskArn);
  const key = { pk: crashLoopPartition(report), sk: 'failed-stops' };
  const ttlSeconds = options.windowSeconds * 2;
  const before = await store.addToSets(
    key,
    { [current]: ids, [next]: ids, [PENDING]: [] },
    { ttlSeconds, drop: [`stops/${start - half}`, `stops/${start - 2 * half}`] },
  );
  const waiting = await waitingNotices(store, key, before[PENDING], report.now, ttlSeconds);
  const counted = before[current] ?? new Set<string>();
  const failed = stops.filter((s) => !counted.has(s.taskArn));
  const added = failed.length;
  // No stop new to the window (a redelivery) raises nothing: the judge sees no addition cross the threshold.
  const verdict = judgeCrashLoop({ inWindow: counted.size + added, added }, report.desiredCount, options);
  if (!verdict.raise) return waiting;
  const alert = crashLoopAlert({
    ...report,
    windowSeconds: options.windowSeconds,
    verdict,
    stops: failed,
    occurredAt: report.now.toISOString(),
  });
  const unqueued = async () =>
    void (await store.addToSets(key, { [PENDING]: [JSON.stringify(alert)] }, { ttlSeconds }));
  return [...waiting, { alert, queued: async () => undefined, unqueued }];
}

/**
 * The alerts waiting on the counter, each to be taken off once queued. One older than the counter's life is of a loop
 * long over (its record outlived its expiry): it is taken off unsent.
 */
async function waitingNotices(
  store: CounterStore,
  key: StateKey,
  pending: ReadonlySet<string> | undefined,
  now: Date,
  ttlSeconds: number,
): Promise<CrashLoopNotice[]> {
  const notices: CrashLoopNotice[] = [];
  for (const json of pending ?? []) {
    const forget = () => store.removeFromSets(key, { [PENDING]: [json] });
    const alert = pendingAlertOf(json);
    // Anything without a time of its own (not an alert) compares as NaN: taken off unsent too.
    if (alert && now.getTime() - Date.parse(alert.occurredAt) <= ttlSeconds * 1000) {
      notices.push({ alert, queued: forget, unqueued: async () => undefined });
    } else {
      // Best effort: left there, the next count takes it off again.
      await forget().catch(() => undefined);
    }
  }
  return notices;
}

/** An alert this counter stored, or undefined for text that is not JSON. */
function pendingAlertOf(json: string): Alert | undefined {
  try {
    return JSON.parse(json) as Alert;
  } catch {
    return undefined;
  }
}

/** The stops of one service in a batch, as the task path classified them. */
export function stopsOfBatch(
  screened: ReadonlyArray<{ message: { event: TaskStateChangeEvent }; classification: StopClassification }>,
  share: { clusterName: string; serviceName: string; desiredCount: number },
  dryRun: boolean,
  now: Date,
): ServiceStops | undefined {
  const first = screened[0]?.message.event;
  if (!first) return undefined;
  return {
    cluster: share.clusterName,
    service: share.serviceName,
    region: first.region,
    account: first.account,
    desiredCount: share.desiredCount,
    dryRun,
    now,
    stops: screened.map(({ message: { event }, classification }) => failedStopOf(event.detail, classification)),
  };
}

function failedStopOf(task: TaskStateChangeEvent['detail'], classification: StopClassification): FailedStop {
  return {
    taskArn: task.taskArn,
    classification,
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
    ...(task.taskDefinitionArn ? { taskDefinitionArn: task.taskDefinitionArn } : {}),
    ...(task.startedBy ? { startedBy: task.startedBy } : {}),
  };
}
