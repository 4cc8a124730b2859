import type { Logger } from '@aws-lambda-powertools/logger';
import type { Lease } from '../executor/target-group-lease.js';
import type { StateKey } from '../state/index.js';
import type { SweepLedger } from './batch-types.js';
import { taskId } from './storm-sweep.js';

/** How long a stop's report is remembered: as long as the notifier remembers a publication, past every redelivery. */
export const STOP_REPORT_TTL_SECONDS = 3_600;

/** The record that names which alert counts each stop of a service: one member per stop, whoever reports it. */
export function stopReportsKey(clusterName: string, serviceName: string): StateKey {
  return { pk: `service/${clusterName}/${serviceName}`, sk: 'stop-reports' };
}

/** A stop a batch would report, and who reports it: its message (stable across redeliveries) or the sweep. */
export interface StopToReport {
  taskArn: string;
  reporter: string;
  /** Earlier claims that are this batch's too: those of the messages it carries for the stop. */
  alsoOurs: readonly string[];
}

/**
 * Decides, once per stop, which alert counts it: every stop's report is claimed as a member of the service's
 * stop-reports record (one UpdateItem per 100 stops, whatever the number of reporters), so of two batches that
 * removed the same stop's targets, from one target group each, one counts it. A redelivery of the same message finds
 * its own claim and reports again (its alert may have been lost). Given the lease of the one target group the batch
 * wrote to, the claim frees it in the same write when it can, and frees it in any case. Returns the stops this batch
 * reports, or undefined when the claims could not be made (then it reports all of them).
 */
export async function claimStopReports(
  ledger: SweepLedger,
  service: { clusterName: string; serviceName: string },
  stops: readonly StopToReport[],
  logger: Pick<Logger, 'warn'>,
  lease?: Lease,
): Promise<Set<string> | undefined> {
  try {
    const key = stopReportsKey(service.clusterName, service.serviceName);
    const claims = stops.map((s) => ({ member: taskId(s.taskArn), owner: s.reporter }));
    const opts = { ttlSeconds: STOP_REPORT_TTL_SECONDS };
    const holders = await (lease
      ? ledger.claimMembersFreeing(key, claims, opts, lease)
      : ledger.claimMembers(key, claims, opts));
    return new Set(
      stops.flatMap((s) => {
        const holder = holders.get(taskId(s.taskArn)) ?? '';
        return holder === s.reporter || s.alsoOurs.includes(holder) ? [s.taskArn] : [];
      }),
    );
  } catch (error) {
    logger.warn('the stops’ reports could not be claimed; the batch reports all of them', { error });
    return undefined;
  }
}
