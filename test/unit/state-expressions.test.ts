import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import {
  isConditionFailure,
  LeaseLostError,
  LeaseUnavailableError,
  StateConflictError,
  StateError,
  waitForLease,
} from '#shared/state/index.js';
import { touchOf, usedBy } from '#shared/state/records.js';

const NOW = new Date('2026-11-26T10:00:00.750Z');
const NOW_SECONDS = Date.parse('2026-11-26T10:00:00Z') / 1000;

describe('State records: expressions', () => {
  it('keeps a value that ends one expression when the next begins with a function name', () => {
    // Act
    const values = usedBy(['SET #count = #count + :by', 'attribute_exists(#count)'], { ':by': 1, ':unused': 2 });

    // Assess
    expect(values).toEqual({ ':by': 1 });
  });

  it('gives every write the version, expiry and time of writing as fresh objects of its own', () => {
    // Act
    const first = touchOf(NOW, 60);
    const second = touchOf(NOW, 60);
    first.names['#m0'] = 'm:t1';

    // Assess
    expect(first.values).toEqual({
      ':zero': 0,
      ':one': 1,
      ':expiresAt': NOW_SECONDS + 60,
      ':updatedAt': '2026-11-26T10:00:00.750Z',
    });
    expect(second.names).toEqual({ '#version': 'version', '#expiresAt': 'expiresAt', '#updatedAt': 'updatedAt' });
  });
});

describe('State errors', () => {
  it('names each error by its kind, so that logs and retries can tell a lost write from a failed one', () => {
    // Prepare
    const cause = new Error('ConditionalCheckFailed');

    // Act
    const errors = [
      new StateError('state table unreachable'),
      new StateConflictError('lease is held', { cause }),
      new LeaseLostError('lease expired', { cause }),
      new LeaseUnavailableError('lease still held'),
    ];

    // Assess
    expect(errors.map((e) => e.name)).toEqual([
      'StateError',
      'StateConflictError',
      'LeaseLostError',
      'LeaseUnavailableError',
    ]);
    expect(errors.every((e) => e instanceof StateError)).toBe(true);
    expect(errors[2]).toBeInstanceOf(StateConflictError);
    expect(errors[1]?.cause).toBe(cause);
  });

  it('tells a refused condition from every other failure of a write', () => {
    // Prepare
    const refused = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    const cancelled = new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {} });
    const lookalike = { name: 'ConditionalCheckFailedException', message: 'not an Error' };

    // Act & Assess
    expect(isConditionFailure(refused)).toBe(true);
    expect(isConditionFailure(cancelled)).toBe(false);
    expect(isConditionFailure(new Error('socket hang up'))).toBe(false);
    expect(isConditionFailure(lookalike)).toBe(false);
  });
});

describe('Lease wait: what each wait logs', () => {
  it('logs the lease, the attempt and the wait as fields, for a query across invocations', async () => {
    // Prepare
    const info = vi.fn();
    const key = { pk: 'target-group/tg-1', sk: 'lease/membership' };
    const store = { acquireLease: async () => undefined };

    // Act
    const waited = waitForLease(store, key, 'me', {
      ttlSeconds: 30,
      attempts: 2,
      baseDelayMs: 100,
      random: () => 0,
      sleep: async () => {},
      logger: { info },
    });

    // Assess
    await expect(waited).rejects.toBeInstanceOf(LeaseUnavailableError);
    expect(info).toHaveBeenCalledExactlyOnceWith(
      'lease target-group/tg-1/lease/membership is held; attempt 1 of 2, waiting 50 ms',
      { lease: 'target-group/tg-1/lease/membership', attempt: 1, delayMs: 50 },
    );
  });
});
