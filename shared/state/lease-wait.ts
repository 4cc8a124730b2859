import type { Logger } from '@aws-lambda-powertools/logger';
import { LeaseUnavailableError } from './errors.js';
import { describeKey, type LeaseWaitPolicy, leaseRetryDelay, type StateKey } from './records.js';
import type { Lease, StateStore } from './store.js';

/** Options of {@link waitForLease}. */
export interface WaitForLeaseOptions extends Partial<LeaseWaitPolicy> {
  ttlSeconds: number;
  logger?: Pick<Logger, 'info'>;
  /** Gives up before this epoch-milliseconds instant (e.g. the invocation's deadline) even with attempts left. */
  deadline?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  clock?: () => number;
}

const defaults: LeaseWaitPolicy = { attempts: 8, baseDelayMs: 200, maxDelayMs: 3_000 };

/**
 * Takes the lease on `key`, waiting with bounded, jittered retries while another owner holds it; each wait is
 * logged. {@link LeaseUnavailableError} when the attempts or the deadline run out.
 */
export async function waitForLease(
  store: Pick<StateStore, 'acquireLease'>,
  key: StateKey,
  owner: string,
  opts: WaitForLeaseOptions,
): Promise<Lease> {
  const policy: LeaseWaitPolicy = {
    attempts: opts.attempts ?? defaults.attempts,
    baseDelayMs: opts.baseDelayMs ?? defaults.baseDelayMs,
    maxDelayMs: opts.maxDelayMs ?? defaults.maxDelayMs,
  };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const clock = opts.clock ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    const lease = await store.acquireLease(key, owner, opts.ttlSeconds);
    if (lease !== undefined) return lease;
    const delayMs = leaseRetryDelay(attempt, policy, opts.random);
    const outOfTime = opts.deadline !== undefined && clock() + delayMs >= opts.deadline;
    if (attempt >= policy.attempts || outOfTime) {
      throw new LeaseUnavailableError(
        `lease ${describeKey(key)} still held by another owner after ${attempt} attempts${outOfTime ? ' (out of time)' : ''}`,
      );
    }
    opts.logger?.info(
      `lease ${describeKey(key)} is held; attempt ${attempt} of ${policy.attempts}, waiting ${delayMs} ms`,
      {
        lease: describeKey(key),
        attempt,
        delayMs,
      },
    );
    await sleep(delayMs);
  }
}
