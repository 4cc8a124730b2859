import type { CrashLoopOptions } from '../../config/notifications.js';
import type { Alert } from '../../notify/alert.js';
import type { StateStore } from '../../state/index.js';
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
}

/**
 * The task path's one call: counts the service's failed stops in a durable counter and returns the crash-loop alert
 * when these stops reached the threshold (one per window, however many invocations count at once).
 */
export async function countServiceStops(
  store: Pick<StateStore, 'increment'>,
  report: ServiceStops,
  options: CrashLoopOptions,
): Promise<Alert | undefined> {
  const failed = report.stops.filter((s) => isFailedStop(s.classification));
  if (!options.enabled || failed.length === 0) return undefined;
  const start = halfWindowStart(report.now, options);
  const half = (options.windowSeconds * 1000) / 2;
  const pk = `crash-loop/${report.cluster}/${report.service}`;
  const ttlSeconds = options.windowSeconds * 2;
  const current = await store.increment({ pk, sk: `stops/${start}` }, failed.length, { ttlSeconds });
  const previous = await store.increment({ pk, sk: `stops/${start - half}` }, 0, { ttlSeconds });
  const verdict = judgeCrashLoop(
    { current: current ?? failed.length, previous: previous ?? 0, added: failed.length },
    report.desiredCount,
    options,
  );
  if (!verdict.raise) return undefined;
  return crashLoopAlert({
    ...report,
    windowSeconds: options.windowSeconds,
    verdict,
    stops: failed,
    occurredAt: report.now.toISOString(),
  });
}
