import type { CrashLoopOptions } from '../../config/notifications.js';
import { type Place, partitionAt } from '../../config/places.js';
import type { TaskStateChangeEvent } from '../../events/task-state-change.js';
import type { Alert } from '../../notify/alert.js';
import type { StateLedger } from '../../state/index.js';
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

/**
 * The task path's one call: counts the service's failed stops in a durable counter and returns the crash-loop alert
 * when these stops reached the threshold (one per window, however many invocations count at once).
 */
export async function countServiceStops(
  store: Pick<StateLedger, 'addToSets'>,
  report: ServiceStops,
  options: CrashLoopOptions,
): Promise<Alert | undefined> {
  if (!options.enabled) return undefined;
  const failedStops = report.stops.filter((s) => isFailedStop(s.classification));
  const stops = [...new Map(failedStops.map((s) => [s.taskArn, s])).values()];
  if (stops.length === 0) return undefined;
  // Set `h` holds the stops of halves h-1 and h, i.e. the window that ends with half h; each stop also primes h+1. A
  // stop is reported by several events (stopping, stopped) and to several containers: a set holds it once. One write.
  const half = (options.windowSeconds * 1000) / 2;
  const start = halfWindowStart(report.now, options);
  const [current, next] = [`stops/${start}`, `stops/${start + half}`];
  const ids = stops.map((s) => s.taskArn);
  const before = await store.addToSets(
    { pk: crashLoopPartition(report), sk: 'failed-stops' },
    { [current]: ids, [next]: ids },
    { ttlSeconds: options.windowSeconds * 2, drop: [`stops/${start - half}`, `stops/${start - 2 * half}`] },
  );
  const counted = before[current] ?? new Set<string>();
  const failed = stops.filter((s) => !counted.has(s.taskArn));
  const added = failed.length;
  if (added === 0) return undefined;
  const verdict = judgeCrashLoop({ inWindow: counted.size + added, added }, report.desiredCount, options);
  if (!verdict.raise) return undefined;
  return crashLoopAlert({
    ...report,
    windowSeconds: options.windowSeconds,
    verdict,
    stops: failed,
    occurredAt: report.now.toISOString(),
  });
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
