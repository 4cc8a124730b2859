import type { Logger } from '@aws-lambda-powertools/logger';
import type { Lease } from '../executor/target-group-lease.js';
import type { Alert } from '../notify/alert.js';
import type { MemberHolders, StateKey } from '../state/index.js';
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
 * An alert of some stops that could not be queued (or whose answer was lost), kept beside their claims so that a
 * retry of any of its stops queues it as it was, whatever batch the retry comes in, rather than count the stop again
 * in an alert of another make-up. `reported` holds the task ids it counts.
 */
export interface ParkedStopAlert {
  alert: Alert;
  reported: string[];
}

/** Which of the asked stops this batch reports (task ARNs), and the parked alerts that count any of them already. */
export interface StopClaims {
  ours: Set<string>;
  parked: ParkedStopAlert[];
  /** Ids of the stops whose reports the abandoned sweeps this batch took over hold, asked or not. */
  abandoned: Set<string>;
}

const PARKED = 'alert/';

/** The parked alerts among a record's notes; a note that does not read as one is not one. */
function parkedAlerts(notes: MemberHolders['notes']): ParkedStopAlert[] {
  return [...notes].flatMap(([name, value]) => {
    if (!name.startsWith(PARKED)) return [];
    try {
      const parked = JSON.parse(value) as Partial<ParkedStopAlert>;
      const { alert, reported } = parked;
      return typeof alert?.dedupKey === 'string' && Array.isArray(reported) ? [{ alert, reported }] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Keeps an alert that could not be queued beside the claims of the stops it counts, for as long as they are
 * remembered: their retry finds it in its claim's answer and queues it again (see {@link claimStopReports}). One
 * UpdateItem, on this failure path only.
 */
export async function parkStopAlert(
  ledger: SweepLedger,
  service: { clusterName: string; serviceName: string },
  parked: ParkedStopAlert,
): Promise<void> {
  const key = stopReportsKey(service.clusterName, service.serviceName);
  await ledger.noteOn(key, `${PARKED}${parked.alert.dedupKey}`, JSON.stringify(parked), {
    ttlSeconds: STOP_REPORT_TTL_SECONDS,
  });
}

/**
 * Decides, once per stop, which alert counts it: every stop's report is claimed as a member of the service's
 * stop-reports record (one UpdateItem per 100 stops, whatever the number of reporters), so of two batches that
 * removed the same stop's targets, from one target group each, one counts it. A redelivery of the same message finds
 * its own claim and reports again (its alert may have been lost). Given the lease of the one target group the batch
 * wrote to, the claim frees it in the same write when it can, and frees it in any case. Returns the stops this batch
 * reports with the parked alerts ({@link parkStopAlert}) that count any of the asked stops, whoever holds them, or
 * undefined when the claims could not be made (then the batch returns its stops for a retry, or, on their last
 * delivery, reports all of them).
 */
export async function claimStopReports(
  ledger: SweepLedger,
  service: { clusterName: string; serviceName: string },
  stops: readonly StopToReport[],
  logger: Pick<Logger, 'warn'>,
  options: { lease?: Lease; takenOver?: readonly string[] } = {},
): Promise<StopClaims | undefined> {
  const { lease, takenOver = [] } = options;
  try {
    const key = stopReportsKey(service.clusterName, service.serviceName);
    const claims = stops.map((s) => ({ member: taskId(s.taskArn), owner: s.reporter }));
    const opts = { ttlSeconds: STOP_REPORT_TTL_SECONDS };
    // A batch that took over abandoned sweeps reads the whole record: the stops those sweeps claimed are its own.
    const holders = await (claims.length === 0
      ? ledger.readMembers(key, opts)
      : lease && takenOver.length === 0
        ? ledger.claimMembersFreeing(key, claims, opts, lease)
        : ledger.claimMembers(key, claims, opts));
    const ours = new Set(
      stops.flatMap((s) => {
        const holder = holders.get(taskId(s.taskArn)) ?? '';
        return holder === s.reporter || s.alsoOurs.includes(holder) || takenOver.includes(holder) ? [s.taskArn] : [];
      }),
    );
    const abandoned = new Set([...holders.all].flatMap(([id, holder]) => (takenOver.includes(holder) ? [id] : [])));
    // Whoever holds them: a stop a sweep holds is reported by the sweep's alert, which this batch cannot tell was
    // queued when the sweep's record could not be read.
    const asked = new Set([...stops.map((s) => taskId(s.taskArn)), ...abandoned]);
    const parked = parkedAlerts(holders.notes).filter((p) => p.reported.some((id) => asked.has(id)));
    return { ours, parked, abandoned };
  } catch (error) {
    logger.warn('the stops’ reports could not be claimed', { error });
    return undefined;
  }
}
