import type { LeaseStore, TargetGroupLeases } from './target-group-lease.js';

/**
 * What an invocation adds to a reaction's wiring: who it is (the lease owner), where it runs (which events are
 * ours) and, as Lambda gives it, how long it may still run.
 */
export interface Invocation {
  awsRequestId: string;
  invokedFunctionArn: string;
  getRemainingTimeInMillis?: () => number;
}

/** Seconds a lease outlives the invocation that took it, for the clock of whoever reads its expiry. */
const MARGIN_SECONDS = 5;
/** The lease's life when the invocation does not say how long it may run (the command line, tests). */
const DEFAULT_SECONDS = 60;

/**
 * The target groups' leases of one invocation: owned by it, and living as long as it may still run. A lease that
 * expired while its holder still worked (a reconciler sweep slowed by throttling, up to its 120 s timeout) would let
 * another invocation take the group and decide on a count the first is about to change.
 */
export function invocationLeases(store: LeaseStore, invocation: Invocation): TargetGroupLeases {
  const remainingMs = invocation.getRemainingTimeInMillis?.();
  const ttlSeconds =
    remainingMs === undefined
      ? DEFAULT_SECONDS
      : Math.max(DEFAULT_SECONDS, Math.ceil(remainingMs / 1000) + MARGIN_SECONDS);
  return { store, owner: invocation.awsRequestId, ttlSeconds };
}
