/** A lease held on a key until released or expired; the state store's also says which key and whose. */
export interface Lease {
  release(): Promise<void>;
  key?: LeaseKey;
  owner?: string;
}

/** Which lease: `pk` the subject (a target group), `sk` what about it. */
export interface LeaseKey {
  pk: string;
  sk: string;
}

/** Where leases are taken: a conditional write, so that two holders of one key never overlap (the state store). */
export interface LeaseStore {
  acquireLease(key: LeaseKey, owner: string, ttlSeconds: number): Promise<Lease | undefined>;
}

/** Thrown when a target group's lease stayed taken for the whole wait: the work is retried later. */
export class TargetGroupBusyError extends Error {
  constructor(targetGroupArn: string, waitedMs: number, options?: { cause?: unknown }) {
    super(`target group ${targetGroupArn} stayed leased by another invocation for ${waitedMs} ms`, options);
    this.name = 'TargetGroupBusyError';
  }
}

/** How changes to one target group's membership are serialized across every invocation of every function. */
export interface TargetGroupLeases {
  store: LeaseStore;
  /** Who holds the lease: the invocation, for the logs of whoever waits. */
  owner: string;
  /** Longer than one read, plan and write with their retries; a crashed holder blocks no one for longer. */
  ttlSeconds?: number;
  /** How long to wait for a busy target group before giving the work back for a retry. */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Acquisitions that may fail (throttled, 5xx, timed out) before the work is given back for a retry. */
const MAX_FAILED_ACQUISITIONS = 3;

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** The lease key of a target group: one per group, whoever changes it (task stops, alarms, the reconciler). */
export function targetGroupLeaseKey(targetGroupArn: string): LeaseKey {
  return { pk: `target-group/${targetGroupArn}`, sk: 'lease/membership' };
}

/**
 * Takes the target group's lease, waiting with jittered backoff while another invocation holds it; the caller frees
 * it. {@link TargetGroupBusyError} when it stayed taken for the whole wait.
 */
export async function takeTargetGroupLease(leases: TargetGroupLeases, targetGroupArn: string): Promise<Lease> {
  const { store, owner, ttlSeconds = 60, waitMs = 20_000, sleep = defaultSleep } = leases;
  const started = Date.now();
  let backoff = 20;
  let failedAcquisitions = 0;
  for (;;) {
    try {
      const lease = await store.acquireLease(targetGroupLeaseKey(targetGroupArn), owner, ttlSeconds);
      if (lease) return lease;
    } catch (error) {
      // The write may have landed with its answer lost: asking again as the same owner takes the lease back and
      // releases it after the work, instead of leaving the group locked for every other invocation until it expires.
      failedAcquisitions += 1;
      if (failedAcquisitions >= MAX_FAILED_ACQUISITIONS) throw error;
    }
    const waited = Date.now() - started;
    if (waited + backoff > waitMs) throw new TargetGroupBusyError(targetGroupArn, waited);
    await sleep(backoff * (0.5 + Math.random()));
    backoff = Math.min(backoff * 2, 250);
  }
}

/**
 * Runs `work` holding the target group's lease, waiting with jittered backoff while another invocation holds it.
 * Whatever `work` decides from a count of the group's targets, it must read that count inside, under the lease.
 */
export async function withTargetGroupLease<T>(
  leases: TargetGroupLeases,
  targetGroupArn: string,
  work: () => Promise<T>,
): Promise<T> {
  const lease = await takeTargetGroupLease(leases, targetGroupArn);
  try {
    return await work();
  } finally {
    // A lease that fails to release expires after its TTL: the work itself is done either way.
    await lease.release().catch(() => undefined);
  }
}
