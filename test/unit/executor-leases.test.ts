import { DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { targetGroupLeaseKey, withTargetGroupLease } from '#shared/executor/target-group-lease.js';
import { TG_WEB } from '#test/support/builders.js';
import { action, elbv2Mock, executor, twoTargetGroup } from '#test/support/executor.js';
import { memoryLeaseStore } from '#test/support/leases.js';

describe('Executor: target group leases', () => {
  beforeEach(() => {
    elbv2Mock.reset();
  });

  it('re-judges concurrent deregistrations of one group under its lease, so the last target stays', async () => {
    // Prepare
    const registered = twoTargetGroup();
    const store = memoryLeaseStore();
    const leased = (owner: string) => executor({ targetGroupLeases: { store, owner } });
    const stale = { inService: 2, healthy: 2, removingHealthy: 1 };

    // Act
    const [first, second] = await Promise.all([
      leased('a').run([action({ targets: [{ id: '10.0.1.17', port: 8080 }], basis: stale })]),
      leased('b').run([action({ targets: [{ id: '10.0.1.18', port: 8080 }], basis: stale })]),
    ]);

    // Assess
    expect([first?.[0]?.outcome, second?.[0]?.outcome].sort()).toEqual(['applied', 'blocked']);
    expect(registered.size).toBe(1);
  });

  it('without leases, judges each deregistration on the basis it was planned on', async () => {
    // Prepare
    const registered = twoTargetGroup();
    const stale = { inService: 2, healthy: 2, removingHealthy: 1 };

    // Act
    await Promise.all([
      executor().run([action({ targets: [{ id: '10.0.1.17', port: 8080 }], basis: stale })]),
      executor().run([action({ targets: [{ id: '10.0.1.18', port: 8080 }], basis: stale })]),
    ]);

    // Assess
    expect(registered.size).toBe(0);
  });

  it('fails the action, not the run, when the group stays leased for the whole wait', async () => {
    // Prepare
    twoTargetGroup();
    const store = memoryLeaseStore();
    await store.acquireLease(targetGroupLeaseKey(TG_WEB), 'someone else', 60);
    const busy = executor({ targetGroupLeases: { store, owner: 'me', waitMs: 0 } });

    // Act
    const [record] = await busy.run([action()]);

    // Assess
    expect(record).toMatchObject({ outcome: 'failed', error: { name: 'TargetGroupBusyError' } });
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)).toHaveLength(0);
  });

  it('takes back a lease whose acquisition landed but whose answer was lost, and releases it after the work', async () => {
    // Prepare: the first acquisition is written, then its caller is told it failed
    let holder: string | undefined;
    let answersLost = 1;
    const store = {
      async acquireLease(_key: unknown, owner: string) {
        if (holder !== undefined && holder !== owner) return undefined;
        holder = owner;
        if (answersLost-- > 0)
          throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure' });
        return {
          release: async () => {
            holder = undefined;
          },
        };
      },
    };
    let worked = 0;

    // Act
    await withTargetGroupLease({ store, owner: 'first delivery', sleep: async () => undefined }, TG_WEB, async () => {
      worked += 1;
    });
    const next = await store.acquireLease(targetGroupLeaseKey(TG_WEB), 'next delivery');

    // Assess
    expect(worked).toBe(1);
    expect(next, 'the group is free for the next invocation at once').toBeDefined();
  });

  it('gives the work back when acquisitions keep failing', async () => {
    // Prepare
    const failing = { acquireLease: async () => Promise.reject(new Error('ProvisionedThroughputExceeded')) };

    // Act
    const run = withTargetGroupLease(
      { store: failing, owner: 'me', sleep: async () => undefined },
      TG_WEB,
      async () => 1,
    );

    // Assess
    await expect(run).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});
