import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable, LeaseLostError, StateConflictError, StateLedger } from '#shared/state/index.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { epoch, ledgerOnMoto } from '#test/support/state-ledger-clock.js';

const TABLE = 'ecs-autopilot-store-edges-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const { dynamodb, ledgerAt, rawItem } = ledgerOnMoto(proxy.endpoint, TABLE);
const key = { pk: 'service#prod/web', sk: 'canary' };
/** A ledger on a table that is not there: every call fails for another reason than a condition. */
const nowhere = new StateLedger({ client: dynamodb, tableName: `${TABLE}-missing` });

describe('State store: what a lost write and a failed one say', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('says which record exists, which changed since its version was read, and whose lease is lost', async () => {
    // Prepare
    const { store, advance } = ledgerAt();
    const read = await store.create(key, { step: 1 });
    await store.replace(read, { step: 2 });
    const lease = await store.acquireLease({ pk: 'target-group/tg-1', sk: 'lease' }, 'invocation-1', 30);
    advance(30);

    // Act & Assess
    await expect(store.create(key, { step: 9 })).rejects.toThrow('service#prod/web/canary already exists');
    await expect(store.replace(read, { step: 3 })).rejects.toThrow(
      'service#prod/web/canary changed since version 1 was read, or expired',
    );
    await expect(lease?.renew(30)).rejects.toThrow(
      new LeaseLostError('lease target-group/tg-1/lease is no longer held by invocation-1'),
    );
  });

  it('answers a claim of one key false, not merely falsy, to each claimant after the first', async () => {
    // Prepare
    const { store } = ledgerAt();

    // Act
    const claims = [];
    for (let i = 0; i < 3; i++) claims.push(await store.claimOnce(key, { ttlSeconds: 60 }));

    // Assess
    expect(claims).toEqual([true, false, false]);
  });

  it('passes on every failure that is not a lost condition, instead of reading it as held or claimed', async () => {
    // Act & Assess
    for (const attempt of [
      nowhere.claimOnce(key, { ttlSeconds: 60 }),
      nowhere.acquireLease(key, 'invocation-1', 30),
      nowhere.increment(key, 1, { ttlSeconds: 60 }),
      nowhere.create(key, { step: 1 }),
    ]) {
      await expect(attempt).rejects.toHaveProperty('name', 'ResourceNotFoundException');
    }
  });

  it('replaces a record with a new time to live from now when given one', async () => {
    // Prepare
    const { store, advance } = ledgerAt();
    const read = await store.create(key, { step: 1 }, { ttlSeconds: 60 });
    advance(30);

    // Act
    const replaced = await store.replace(read, { step: 2 }, { ttlSeconds: 600 });

    // Assess
    expect(replaced.expiresAt).toBe(epoch('2026-11-26T10:10:30Z'));
    expect((await rawItem(key))?.expiresAt).toBe(epoch('2026-11-26T10:10:30Z'));
  });

  it('stores a record whose data leaves a field undefined, without that field', async () => {
    // Prepare
    const { store } = ledgerAt();

    // Act
    await store.create(key, { step: 1, note: undefined });

    // Assess
    expect((await rawItem(key))?.data).toEqual({ step: 1 });
  });
});

describe('State store: counters refused before any write', () => {
  const counter = { pk: 'episode#alarm-1', sk: 'deregistrations' };

  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('refuses a first step larger than the max and writes nothing', async () => {
    // Prepare
    const { store } = ledgerAt();
    const before = proxy.calls().length;

    // Act
    const counted = await store.increment(counter, 4, { max: 3, ttlSeconds: 60 });

    // Assess
    expect(counted).toBeUndefined();
    expect(proxy.calls().length).toBe(before);
    expect(await rawItem(counter)).toBeUndefined();
  });

  it('passes on a refusal of its start that is not a lost race', async () => {
    // Prepare: the add finds no counter; the start is refused as malformed
    const { store } = ledgerAt();
    proxy.addRule({
      match: (c) =>
        c.operation === 'UpdateItem' &&
        String((c.params as Record<string, unknown>).ConditionExpression).startsWith('attribute_not_exists'),
      respond: () => ({
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message: 'invalid' }),
      }),
    });

    // Act
    const counted = store.increment(counter, 1, { ttlSeconds: 60 });

    // Assess
    await expect(counted).rejects.toHaveProperty('name', 'ValidationException');
    await expect(counted).rejects.not.toBeInstanceOf(StateConflictError);
  });
});
