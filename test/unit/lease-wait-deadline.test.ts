import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Lease, waitForLease } from '#shared/state/index.js';

const key = { pk: 'target-group/tg', sk: 'lease/membership' };

/** A store that refuses the lease `busy` times, then grants it. */
function storeBusy(busy: number) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    acquireLease: async (): Promise<Lease | undefined> => {
      calls += 1;
      return calls > busy ? ({ release: async () => undefined } as unknown as Lease) : undefined;
    },
  };
}

describe('State: waiting for a lease against a deadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits as long as the deadline allows after the wait, to the millisecond, and gives up when the wait would reach it', async () => {
    // Prepare: random 0.5 makes the first wait 150 ms (between half and all of 200 ms).
    const slept: number[] = [];
    const options = {
      ttlSeconds: 30,
      random: () => 0.5,
      clock: () => 1_000,
      sleep: async (ms: number) => void slept.push(ms),
    };

    // Act
    const taken = await waitForLease(storeBusy(1), key, 'me', { ...options, deadline: 1_151 });
    const refused = waitForLease(storeBusy(1), key, 'me', { ...options, deadline: 1_150 });

    // Assess
    expect(taken).toBeDefined();
    expect(slept).toEqual([150]);
    await expect(refused).rejects.toMatchObject({
      name: 'LeaseUnavailableError',
      message: 'lease target-group/tg/lease/membership still held by another owner after 1 attempts (out of time)',
    });
  });

  it('keeps trying without a deadline, and says plainly when the attempts ran out', async () => {
    // Prepare
    const sleep = async () => undefined;

    // Act
    const taken = await waitForLease(storeBusy(2), key, 'me', { ttlSeconds: 30, sleep, clock: () => 1_000 });
    const refused = waitForLease(storeBusy(5), key, 'me', { ttlSeconds: 30, sleep, attempts: 3 });

    // Assess
    expect(taken).toBeDefined();
    await expect(refused).rejects.toThrow(
      /^lease target-group\/tg\/lease\/membership still held by another owner after 3 attempts$/,
    );
  });

  it('waits with real timers and the real clock when given none', async () => {
    // Prepare
    vi.useFakeTimers();
    const store = storeBusy(1);

    // Act
    const waiting = waitForLease(store, key, 'me', { ttlSeconds: 30, random: () => 0 });
    await vi.advanceTimersByTimeAsync(99);
    const before = store.calls;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    await expect(waiting).resolves.toBeDefined();
    expect([before, store.calls]).toEqual([1, 2]);
  });
});
