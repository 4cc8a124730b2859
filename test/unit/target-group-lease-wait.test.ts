import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LeaseKey, type LeaseStore, withTargetGroupLease } from '#shared/executor/target-group-lease.js';
import { TG_WEB } from '#test/support/builders.js';

/** A store whose lease answers come from `answers` in turn (a lease, none, or a failure), recording every request. */
function scriptedStore(answers: Array<'lease' | 'busy' | Error>) {
  const requests: Array<[LeaseKey, string, number]> = [];
  const released: string[] = [];
  const store: LeaseStore = {
    async acquireLease(key, owner, ttlSeconds) {
      requests.push([key, owner, ttlSeconds]);
      const answer = answers.shift() ?? 'busy';
      if (answer instanceof Error) throw answer;
      return answer === 'lease' ? { release: async () => void released.push(owner) } : undefined;
    },
  };
  return { store, requests, released };
}

/** A sleep that moves the clock on by what it is asked to wait, and records it. */
function clockSleep() {
  const slept: number[] = [];
  return {
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      vi.setSystemTime(Date.now() + ms);
    },
  };
}

describe('Executor: waiting for a target group lease', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-11-24T12:00:00.000Z'));
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('takes the lease on the group for 60 s by default, as its owner, and releases it after the work', async () => {
    // Prepare
    const { store, requests, released } = scriptedStore(['lease']);

    // Act
    const result = await withTargetGroupLease({ store, owner: 'invocation-1' }, TG_WEB, async () => 'done');

    // Assess
    expect(result).toBe('done');
    expect(requests).toEqual([[{ pk: `target-group/${TG_WEB}`, sk: 'lease/membership' }, 'invocation-1', 60]]);
    expect(released).toEqual(['invocation-1']);
  });

  it('backs off doubling from 20 ms up to 250 ms while the group is busy, until the wait would pass its limit', async () => {
    // Prepare: with no jitter (random 0.5), the waits add up to exactly the limit before the last refusal.
    const { store, requests } = scriptedStore([]);
    const { slept, sleep } = clockSleep();

    // Act
    const run = withTargetGroupLease(
      { store, owner: 'me', waitMs: 1050, ttlSeconds: 30, sleep },
      TG_WEB,
      async () => 1,
    );

    // Assess
    await expect(run).rejects.toMatchObject({
      name: 'TargetGroupBusyError',
      message: `target group ${TG_WEB} stayed leased by another invocation for 1050 ms`,
    });
    expect(slept).toEqual([20, 40, 80, 160, 250, 250, 250]);
    expect(requests).toHaveLength(8);
    expect(requests[0]?.[2]).toBe(30);
  });

  it('spreads each pause by a random factor between half and one and a half', async () => {
    // Prepare
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { store } = scriptedStore(['busy', 'busy', 'lease']);
    const { slept, sleep } = clockSleep();

    // Act
    await withTargetGroupLease({ store, owner: 'me', sleep }, TG_WEB, async () => 1);

    // Assess
    expect(slept).toEqual([10, 20]);
  });

  it('asks again after a failed acquisition, twice, and gives up with the third failure', async () => {
    // Prepare
    const twice = scriptedStore([new Error('throttled'), new Error('throttled'), 'lease']);
    const thrice = scriptedStore([new Error('1'), new Error('2'), new Error('3'), 'lease']);
    const { sleep } = clockSleep();

    // Act
    const worked = await withTargetGroupLease({ store: twice.store, owner: 'me', sleep }, TG_WEB, async () => 'ok');
    const gaveUp = withTargetGroupLease({ store: thrice.store, owner: 'me', sleep }, TG_WEB, async () => 'ok');

    // Assess
    expect(worked).toBe('ok');
    await expect(gaveUp).rejects.toThrow('3');
    expect(thrice.requests).toHaveLength(3);
  });

  it('returns the work done even when releasing the lease fails, and releases it when the work throws', async () => {
    // Prepare
    const failingRelease: LeaseStore = {
      acquireLease: async () => ({ release: async () => Promise.reject(new Error('release lost')) }),
    };
    const { store, released } = scriptedStore(['lease']);

    // Act
    const done = await withTargetGroupLease({ store: failingRelease, owner: 'me' }, TG_WEB, async () => 'kept');
    const failed = withTargetGroupLease({ store, owner: 'me' }, TG_WEB, async () => {
      throw new Error('work failed');
    });

    // Assess
    expect(done).toBe('kept');
    await expect(failed).rejects.toThrow('work failed');
    expect(released).toEqual(['me']);
  });
});
