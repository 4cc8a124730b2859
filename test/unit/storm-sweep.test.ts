import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClaimRecord, StateKey } from '#shared/state/index.js';
import { MemberHolders } from '#shared/state/members.js';
import type { SweepLedger } from '#shared/tasks/batch-types.js';
import { type SweepResult, sweepPollDelay, taskId, watchSweeps } from '#shared/tasks/storm-sweep.js';

/** A ledger whose records the test publishes between rounds; it counts the reads. */
function ledgerOf(published: Map<string, SweepResult>) {
  const reads: StateKey[][] = [];
  const ledger: SweepLedger = {
    claimEach: async () => [],
    claimMembers: async () => new MemberHolders(),
    claimMembersFreeing: async () => new MemberHolders(),
    readMembers: async () => new MemberHolders(),
    takeOverClaim: async () => true,
    noteOn: async () => undefined,
    recordOnClaim: async () => undefined,
    replace: async () => undefined,
    readClaims: async <T>(keys: readonly StateKey[]) => {
      reads.push([...keys]);
      const found = new Map<string, ClaimRecord<T>>();
      for (const key of keys) {
        const data = published.get(key.pk);
        found.set(`${key.pk}/${key.sk}`, { key, owner: 'sweeper', data: (data ?? null) as T | null });
      }
      return found;
    },
  };
  return { ledger, reads };
}

const key = (service: string) => ({ pk: `service/prod/${service}`, sk: 'storm-sweep/1' });

describe('Storm sweep: waiting for other batches’ sweeps', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads every awaited sweep in one call a round, and settles each once its result is published', async () => {
    // Prepare
    const published = new Map<string, SweepResult>();
    const { ledger, reads } = ledgerOf(published);
    let rounds = 0;
    const sleep = async () => {
      rounds += 1;
      if (rounds === 2) published.set(key('web').pk, { done: ['t1'] });
      if (rounds === 3) published.set(key('api').pk, { done: ['t2', 't3'] });
    };
    const watch = watchSweeps(ledger, 60_000, sleep);

    // Act
    const [web, api] = await Promise.all([watch.result(key('web')), watch.result(key('api'))]);

    // Assess
    expect(web?.data?.done).toEqual(['t1']);
    expect(api?.data?.done).toEqual(['t2', 't3']);
    expect(reads.map((r) => r.map((k) => k.pk))).toEqual([
      [key('web').pk, key('api').pk],
      [key('web').pk, key('api').pk],
      [key('api').pk],
    ]);
  });

  it('gives up at its deadline, so the batch handles its own stops', async () => {
    // Prepare
    const { ledger } = ledgerOf(new Map());
    const watch = watchSweeps(ledger, 0, async () => undefined);

    // Act
    const result = await watch.result(key('web'));

    // Assess
    expect(result).toBeUndefined();
  });

  it('keeps watching a published sweep whose alert is pending until its sweeper confirms it queued', async () => {
    // Prepare
    const published = new Map<string, SweepResult>();
    const { ledger, reads } = ledgerOf(published);
    const alert = { title: 'api: 2 tasks stopped' } as NonNullable<SweepResult['alert']>;
    let rounds = 0;
    const sleep = async () => {
      rounds += 1;
      if (rounds === 1) published.set(key('api').pk, { done: ['t1', 't2'], alert, reported: ['t1', 't2'] });
      if (rounds === 3)
        published.set(key('api').pk, { done: ['t1', 't2'], alert, reported: ['t1', 't2'], queued: true });
    };
    const watch = watchSweeps(ledger, 60_000, sleep);

    // Act
    const result = await watch.result(key('api'));

    // Assess
    expect(result?.data?.queued).toBe(true);
    expect(reads).toHaveLength(3);
  });

  it('settles with the sweep’s pending alert when its deadline comes first, so the waiting batch queues it', async () => {
    // Prepare
    let clock = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    const alert = { title: 'api: 2 tasks stopped' } as NonNullable<SweepResult['alert']>;
    const { ledger } = ledgerOf(new Map([[key('api').pk, { done: ['t1'], alert, reported: ['t1'] }]]));
    const watch = watchSweeps(ledger, 2_000, async (ms) => {
      clock += ms;
    });

    // Act
    const result = await watch.result(key('api'));

    // Assess
    expect(result?.data?.alert).toBe(alert);
    expect(result?.data?.queued).toBeUndefined();
  });

  it('waits about the time a sweep takes before the first read, longer after, never more than 1 s', () => {
    // Act
    const delays = [0, 1, 2, 3, 10].map((round) => sweepPollDelay(round, () => 0.5));

    // Assess
    expect(delays).toEqual([400, 600, 800, 800, 800]);
    expect(sweepPollDelay(0, () => 0)).toBe(300);
    expect(sweepPollDelay(0, () => 1)).toBe(500);
  });

  it('lists tasks by id, the last part of their ARN', () => {
    // Act
    const id = taskId('arn:aws:ecs:us-east-1:123456789012:task/prod/0a1b2c');

    // Assess
    expect(id).toBe('0a1b2c');
  });
});
