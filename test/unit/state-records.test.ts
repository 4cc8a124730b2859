import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Lease, LeaseUnavailableError, stateTableNameFromEnv, waitForLease } from '#shared/state/index.js';
import { describeKey, expiryAfter, isExpired, leaseRetryDelay, usedBy } from '#shared/state/records.js';

const NOW = new Date('2026-11-26T10:00:00.750Z');
const NOW_SECONDS = Date.parse('2026-11-26T10:00:00Z') / 1000;

describe('State records', () => {
  it('sets expiry in whole epoch seconds from now', () => {
    // Act
    const expiresAt = expiryAfter(NOW, 90);

    // Assess
    expect(expiresAt).toBe(NOW_SECONDS + 90);
  });

  it('refuses a ttl that is not a positive number of seconds', () => {
    // Act & Assess
    expect(() => expiryAfter(NOW, 0)).toThrow(RangeError);
    expect(() => expiryAfter(NOW, Number.NaN)).toThrow(/ttlSeconds/);
  });

  it('counts a record as gone from the second of its expiry, and one without expiry as never gone', () => {
    // Assess
    expect(isExpired(NOW_SECONDS, NOW)).toBe(true);
    expect(isExpired(NOW_SECONDS + 1, NOW)).toBe(false);
    expect(isExpired(undefined, NOW)).toBe(false);
  });

  it('keeps only the attribute names and values an expression uses', () => {
    // Act
    const names = usedBy(['SET #a = :a', '#b > :now'], { '#a': 'a', '#b': 'b', '#c': 'c', '#ab': 'ab' });
    const values = usedBy(['SET #a = :a', '#b > :now'], { ':a': 1, ':now': 2, ':no': 3 });

    // Assess
    expect(names).toEqual({ '#a': 'a', '#b': 'b' });
    expect(values).toEqual({ ':a': 1, ':now': 2 });
  });

  it('names a key as pk/sk', () => {
    expect(describeKey({ pk: 'targetgroup#tg-1', sk: 'lease' })).toBe('targetgroup#tg-1/lease');
  });

  it('waits between half and all of a doubling, capped delay', () => {
    // Prepare
    const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 2_000 };

    // Assess
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const ceiling = Math.min(2_000, 100 * 2 ** (attempt - 1));
          const delay = leaseRetryDelay(attempt, policy, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.round(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });
});

describe('Lease wait', () => {
  const key = { pk: 'targetgroup#tg-1', sk: 'lease' };
  const lease: Lease = { key, owner: 'me', expiresAt: 0, release: async () => {}, renew: async () => {} };

  it('gives up after its attempts with LeaseUnavailableError, logging each wait', async () => {
    // Prepare
    const logged: string[] = [];
    const store = { acquireLease: async () => undefined };

    // Act
    const waited = waitForLease(store, key, 'me', {
      ttlSeconds: 30,
      attempts: 3,
      sleep: async () => {},
      logger: { info: (message: string) => logged.push(message) },
    });

    // Assess
    await expect(waited).rejects.toBeInstanceOf(LeaseUnavailableError);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/attempt 1 of 3/);
  });

  it('gives up early rather than wait past its deadline', async () => {
    // Prepare
    let tries = 0;
    const store = {
      acquireLease: async () => {
        tries++;
        return undefined;
      },
    };

    // Act
    const waited = waitForLease(store, key, 'me', { ttlSeconds: 30, deadline: 1_000, clock: () => 900 });

    // Assess
    await expect(waited).rejects.toThrow(/out of time/);
    expect(tries).toBe(1);
  });

  it('returns the lease as soon as it is free', async () => {
    // Prepare
    const answers = [undefined, lease];
    const store = { acquireLease: async () => answers.shift() };

    // Act
    const got = await waitForLease(store, key, 'me', { ttlSeconds: 30, sleep: async () => {} });

    // Assess
    expect(got).toBe(lease);
  });
});

describe('State table name', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('fails naming STATE_TABLE_NAME when it is missing or empty', () => {
    // Prepare
    vi.stubEnv('STATE_TABLE_NAME', '');

    // Act & Assess
    expect(() => stateTableNameFromEnv()).toThrow(/STATE_TABLE_NAME/);
  });

  it('reads the name STATE_TABLE_NAME gives', () => {
    // Prepare
    vi.stubEnv('STATE_TABLE_NAME', 'ecs-autopilot-dev-state');

    // Act & Assess
    expect(stateTableNameFromEnv()).toBe('ecs-autopilot-dev-state');
  });
});
