import type { Logger } from '@aws-lambda-powertools/logger';
import type { StateKey } from '../state/index.js';
import type { SweepLedger } from './batch-types.js';
import { taskId } from './storm-sweep.js';

/** How long a stop's report is remembered: as long as the notifier remembers a publication, past every redelivery. */
export const STOP_REPORT_TTL_SECONDS = 3_600;

/** The record that names which alert counts a stop: one per stop, whichever event or batch reports it. */
export function stopReportKey(clusterName: string, serviceName: string, taskArn: string): StateKey {
  return { pk: `service/${clusterName}/${serviceName}`, sk: `stop-report/${taskId(taskArn)}` };
}

/** A stop a batch would report, and who reports it: its message (stable across redeliveries) or the sweep. */
export interface StopToReport {
  taskArn: string;
  reporter: string;
  /** Earlier claims that are this batch's too: those of the messages it carries for the stop. */
  alsoOurs: readonly string[];
}

/**
 * Decides, once per stop, which alert counts it: each stop's report is claimed with a conditional write (one
 * transaction per reporter), so of two batches that removed the same stop's targets, from one target group each, one
 * counts it. A redelivery of the same message finds its own claim and reports again (its alert may have been lost).
 * Returns the stops this batch reports, or undefined when the claims could not be made (then it reports all of them).
 */
export async function claimStopReports(
  ledger: SweepLedger,
  service: { clusterName: string; serviceName: string },
  stops: readonly StopToReport[],
  logger: Pick<Logger, 'warn'>,
): Promise<Set<string> | undefined> {
  const byReporter = new Map<string, StopToReport[]>();
  for (const s of stops) byReporter.set(s.reporter, [...(byReporter.get(s.reporter) ?? []), s]);
  try {
    const claimed = await Promise.all(
      [...byReporter].map(async ([owner, mine]) => {
        const keys = mine.map((s) => stopReportKey(service.clusterName, service.serviceName, s.taskArn));
        const outcomes = await ledger.claimEach(keys, { owner, ttlSeconds: STOP_REPORT_TTL_SECONDS });
        return mine.flatMap((s, i) => {
          const outcome = outcomes[i];
          const ours = outcome?.mine || s.alsoOurs.includes(outcome?.record?.owner ?? '');
          return ours ? [s.taskArn] : [];
        });
      }),
    );
    return new Set(claimed.flat());
  } catch (error) {
    logger.warn('the stops’ reports could not be claimed; the batch reports all of them', { error });
    return undefined;
  }
}
