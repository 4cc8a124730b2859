import { beforeEach, describe, expect, it } from 'vitest';
import { targetGroupLeaseKey } from '#shared/executor/target-group-lease.js';
import { TG_WEB } from '#test/support/builders.js';
import { action, elbv2Mock, executor, twoTargetGroup } from '#test/support/executor.js';
import { memoryLeaseStore } from '#test/support/leases.js';

const KEY = targetGroupLeaseKey(TG_WEB);
const tick = (ms = 5) => new Promise<void>((done) => setTimeout(done, ms));

/** One executor, as a batch's services share it, its leases in memory and waited for in short steps. */
function shared() {
  const store = memoryLeaseStore();
  const exec = executor({ targetGroupLeases: { store, owner: 'me', waitMs: 2_000, sleep: () => tick(1) } });
  /** Whether another invocation could take the group's lease now (it then frees it again at once). */
  const rivalCouldTake = async () => {
    const lease = await store.acquireLease(KEY, 'rival', 60);
    await lease?.release();
    return lease !== undefined;
  };
  return { store, exec, rivalCouldTake };
}

describe('Executor: works of one invocation on one target group, one after the other', () => {
  beforeEach(() => {
    elbv2Mock.reset();
  });

  it('re-judges the second of two deregistrations of one executor after the first landed, so the last target stays', async () => {
    // Prepare: each planned on the same two-target read, as two services of one batch sharing the group
    const registered = twoTargetGroup();
    const { exec } = shared();
    const stale = { inService: 2, healthy: 2, removingHealthy: 1 };

    // Act
    const [first, second] = await Promise.all([
      exec.run([action({ targets: [{ id: '10.0.1.17', port: 8080 }], basis: stale })]),
      exec.run([action({ targets: [{ id: '10.0.1.18', port: 8080 }], basis: stale })]),
    ]);

    // Assess
    expect([first?.[0]?.outcome, second?.[0]?.outcome].sort()).toEqual(['applied', 'blocked']);
    expect(registered.size).toBe(1);
  });

  it('starts the second work once the first has ended, keeps the lease held between them, and hands it back to the last only', async () => {
    // Prepare
    const { store, exec, rivalCouldTake } = shared();
    const order: string[] = [];
    const work = (name: string) => async () => {
      order.push(`${name} starts`);
      await tick();
      order.push(`${name} ends, a rival ${(await rivalCouldTake()) ? 'could' : 'could not'} take the lease`);
      return name;
    };

    // Act
    const [first, second] = await Promise.all([
      exec.holdingTargetGroupLease(TG_WEB, work('first')),
      exec.holdingTargetGroupLease(TG_WEB, work('second')),
    ]);
    const heldForTheLast = !(await rivalCouldTake());
    const freedBefore = store.freed.filter((owner) => owner === 'me').length;
    await second.lease?.release();

    // Assess: the first's caller frees nothing; the last frees the lease, which no rival could take before
    expect(order).toEqual([
      'first starts',
      'first ends, a rival could not take the lease',
      'second starts',
      'second ends, a rival could not take the lease',
    ]);
    expect(first).toEqual({ result: 'first' });
    expect(second.result).toBe('second');
    expect(second.lease).toBeDefined();
    expect(heldForTheLast).toBe(true);
    // never freed in between, not even for the moment the second took it again
    expect(freedBefore).toBe(0);
    expect(await rivalCouldTake()).toBe(true);
  });

  it('has a work that comes once a lease was handed back wait until its caller frees it', async () => {
    // Prepare: the lease of a first work, handed back to its caller, who has not freed it yet
    const { store, exec } = shared();
    const held = await exec.holdingTargetGroupLease(TG_WEB, async () => 'decided');
    let started = false;

    // Act
    const later = exec.underTargetGroupLease(TG_WEB, async () => {
      started = true;
      return store.holder(KEY);
    });
    await tick(30);
    const startedBeforeRelease = started;
    await held.lease?.release();
    const holderDuringLater = await later;

    // Assess: its caller's release cannot free the lease under the later work, which held one of its own
    expect(startedBeforeRelease).toBe(false);
    expect(holderDuringLater).toBeDefined();
    expect(store.holder(KEY)).toBeUndefined();
  });

  it('passes the lease on from a failing work to the one waiting, and frees it after the last', async () => {
    // Prepare
    const { exec, rivalCouldTake } = shared();
    const failure = new Error('DescribeTargetHealth failed');

    // Act
    const [failed, next] = await Promise.allSettled([
      exec.underTargetGroupLease(TG_WEB, async () => {
        await tick();
        throw failure;
      }),
      exec.underTargetGroupLease(TG_WEB, async () => {
        await tick(20);
        return rivalCouldTake();
      }),
    ]);

    // Assess
    expect(failed).toEqual({ status: 'rejected', reason: failure });
    expect(next).toEqual({ status: 'fulfilled', value: false });
    expect(await rivalCouldTake()).toBe(true);
  });

  it('runs work nested in a turn in that turn, while a sibling work waits for the next', async () => {
    // Prepare
    const { exec } = shared();
    const order: string[] = [];

    // Act
    await Promise.all([
      exec.underTargetGroupLease(TG_WEB, async () => {
        await tick();
        await exec.underTargetGroupLease(TG_WEB, async () => void order.push('nested'));
        order.push('outer ends');
      }),
      exec.underTargetGroupLease(TG_WEB, async () => void order.push('sibling')),
    ]);

    // Assess
    expect(order).toEqual(['nested', 'outer ends', 'sibling']);
  });
});
