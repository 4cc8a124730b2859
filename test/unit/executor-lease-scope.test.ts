import { describe, expect, it } from 'vitest';
import { targetGroupLeaseKey } from '#shared/executor/target-group-lease.js';
import { TG_WEB } from '#test/support/builders.js';
import { executor } from '#test/support/executor.js';
import { memoryLeaseStore } from '#test/support/leases.js';

const KEY = targetGroupLeaseKey(TG_WEB);
const TAKEN = `${KEY.pk}/${KEY.sk}`;

/** An executor whose target group leases live in memory, never waited for: a held lease fails at once. */
function leased(options: { dryRun?: boolean } = {}) {
  const store = memoryLeaseStore();
  const exec = executor({ targetGroupLeases: { store, owner: 'me', waitMs: 0 }, dryRun: options.dryRun ?? false });
  /** Whether a rival could take the group's lease now (it then frees it again at once). */
  const rivalCouldTake = async () => {
    const lease = await store.acquireLease(KEY, 'rival', 60);
    await lease?.release();
    return lease !== undefined;
  };
  return { store, exec, rivalCouldTake };
}

describe('Executor: how long a target group lease is held', () => {
  it('takes the lease once for work nested under it, and keeps it until the outer work has ended', async () => {
    // Prepare
    const { store, exec, rivalCouldTake } = leased();
    let rivalInside: boolean | undefined;

    // Act
    const result = await exec.underTargetGroupLease(TG_WEB, async () => {
      const inner = await exec.underTargetGroupLease(TG_WEB, async () => 'decided under the lease');
      rivalInside = await rivalCouldTake();
      return inner;
    });

    // Assess
    expect(result).toBe('decided under the lease');
    expect(rivalInside).toBe(false);
    expect(await rivalCouldTake()).toBe(true);
    // this executor's once, then the rival's once it was free
    expect(store.taken.filter((k) => k === TAKEN)).toHaveLength(2);
  });

  it('takes the lease again for the next work, once the first has ended', async () => {
    // Prepare
    const { exec, rivalCouldTake } = leased();
    const seen: boolean[] = [];

    // Act
    await exec.underTargetGroupLease(TG_WEB, async () => void seen.push(await rivalCouldTake()));
    await exec.underTargetGroupLease(TG_WEB, async () => void seen.push(await rivalCouldTake()));

    // Assess: each work ran under a lease of its own
    expect(seen).toEqual([false, false]);
    expect(await rivalCouldTake()).toBe(true);
  });

  it('takes no lease in a dry run, whichever way the work is run', async () => {
    // Prepare
    const { store, exec } = leased({ dryRun: true });

    // Act
    const plain = await exec.underTargetGroupLease(TG_WEB, async () => 'planned');
    const held = await exec.holdingTargetGroupLease(TG_WEB, async () => 'planned');

    // Assess
    expect(plain).toBe('planned');
    expect(held).toEqual({ result: 'planned' });
    expect(store.taken).toEqual([]);
  });

  it('hands the lease back still held for the caller to free, work nested in it taking none, and none when the work already holds it', async () => {
    // Prepare
    const { exec, rivalCouldTake } = leased();

    // Act
    const held = await exec.holdingTargetGroupLease(TG_WEB, () =>
      exec.underTargetGroupLease(TG_WEB, async () => 'decided'),
    );
    const heldOnReturn = !(await rivalCouldTake());
    await held.lease?.release();
    const nested = await exec.underTargetGroupLease(TG_WEB, () =>
      exec.holdingTargetGroupLease(TG_WEB, async () => 'decided again'),
    );

    // Assess
    expect(held.result).toBe('decided');
    expect(heldOnReturn).toBe(true);
    expect(await rivalCouldTake()).toBe(true);
    expect(nested).toEqual({ result: 'decided again' });
  });

  it('frees the lease when the work under it fails, and passes the failure on', async () => {
    // Prepare
    const { exec, rivalCouldTake } = leased();
    const failure = new Error('DescribeTargetHealth failed');

    // Act
    const outcome = await exec
      .holdingTargetGroupLease(TG_WEB, async () => {
        throw failure;
      })
      .catch((error: unknown) => error);

    // Assess
    expect(outcome).toBe(failure);
    expect(await rivalCouldTake()).toBe(true);
    const next = await exec.holdingTargetGroupLease(TG_WEB, async () => 'next');
    expect(next.lease).toBeDefined();
  });
});
