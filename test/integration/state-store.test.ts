import { DescribeTimeToLiveCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable, StateConflictError, type Versioned, waitForLease } from '#shared/state/index.js';
import { ledgerOnClock, stateClient } from '#test/support/ledger-clock.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const TABLE = 'ecs-autopilot-state-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const { endpoint } = await useMotoProxy();
const dynamodb = stateClient(endpoint);

const storeAt = (start?: Date) => ledgerOnClock(dynamodb, TABLE, start);

async function rawItem(pk: string, sk: string) {
  const key = { pk: { S: pk }, sk: { S: sk } };
  const out = await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
  return out.Item && unmarshall(out.Item);
}

describe('State store (DynamoDB on moto)', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('creates a record once, reads it back at version 1 and refuses a second create', async () => {
    // Prepare
    const { store } = storeAt();
    const key = { pk: 'service#prod/web', sk: 'canary' };

    // Act
    const created = await store.create(key, { step: 0 });
    const second = store.create(key, { step: 9 });

    // Assess
    expect(created.version).toBe(1);
    await expect(second).rejects.toBeInstanceOf(StateConflictError);
    await expect(second).rejects.toHaveProperty('cause.name', 'ConditionalCheckFailedException');
    expect(await store.get(key)).toEqual({ key, version: 1, data: { step: 0 } });
  });

  it('lets exactly one of two writers racing to replace the same version win', async () => {
    // Prepare
    const { store } = storeAt();
    const key = { pk: 'service#prod/web', sk: 'canary' };
    const read = await store.create(key, { step: 1 });

    // Act
    const outcomes = await Promise.allSettled([store.replace(read, { step: 2 }), store.replace(read, { step: 3 })]);

    // Assess
    const won = outcomes.filter((o) => o.status === 'fulfilled') as PromiseFulfilledResult<
      Versioned<{ step: number }>
    >[];
    const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(StateConflictError);
    const stored = await store.get<{ step: number }>(key);
    expect(stored).toEqual({ key, version: 2, data: won[0]?.value.data });
  });

  it('refuses to replace a record that expired since it was read', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const key = { pk: 'episode#alarm-1', sk: 'scale' };
    const read = await store.create(key, { scaled: false }, { ttlSeconds: 60 });
    advance(61);

    // Act
    const replaced = store.replace(read, { scaled: true });

    // Assess
    await expect(replaced).rejects.toBeInstanceOf(StateConflictError);
    expect(await store.get(key)).toBeUndefined();
  });

  it('writes the TTL attribute in epoch seconds, and the table, ensured twice, expires records by it', async () => {
    // Prepare
    const { store } = storeAt(new Date('2026-11-26T10:00:00Z'));
    const key = { pk: 'alert#abc', sk: 'published' };

    // Act
    await ensureStateTable(dynamodb, TABLE);
    await store.create(key, { messageId: 'm-1' }, { ttlSeconds: 3600 });
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));

    // Assess
    expect((await rawItem(key.pk, key.sk))?.expiresAt).toBe(Date.parse('2026-11-26T11:00:00Z') / 1000);
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });

  it('gives a lease to exactly one of 20 concurrent owners', async () => {
    // Prepare
    const { store } = storeAt();
    const key = { pk: 'targetgroup#tg-1', sk: 'lease' };
    const owners = Array.from({ length: 20 }, (_, i) => `invocation-${i}`);

    // Act
    const leases = await Promise.all(owners.map((owner) => store.acquireLease(key, owner, 30)));

    // Assess
    const holders = leases.filter((lease) => lease !== undefined);
    expect(holders).toHaveLength(1);
    expect((await rawItem(key.pk, key.sk))?.owner).toBe(holders[0]?.owner);
  });

  it('hands an expired lease to the next owner and ignores the late release of the old one', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const key = { pk: 'targetgroup#tg-1', sk: 'lease' };
    const first = await store.acquireLease(key, 'a', 30);
    const blocked = await store.acquireLease(key, 'b', 30);
    advance(30);

    // Act
    const second = await store.acquireLease(key, 'b', 30);
    await first?.release();

    // Assess
    expect(first).toBeDefined();
    expect(blocked).toBeUndefined();
    expect(second?.owner).toBe('b');
    expect((await rawItem(key.pk, key.sk))?.owner).toBe('b');
    await expect(first?.renew(30)).rejects.toMatchObject({ name: 'LeaseLostError' });
  });

  it('frees a released lease and extends a renewed one', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const key = { pk: 'targetgroup#tg-2', sk: 'lease' };
    const lease = await store.acquireLease(key, 'a', 30);
    advance(20);

    // Act
    await lease?.renew(30);
    advance(20);
    const whileRenewed = await store.acquireLease(key, 'b', 30);
    await lease?.release();
    const afterRelease = await store.acquireLease(key, 'b', 30);

    // Assess
    expect(whileRenewed).toBeUndefined();
    expect(afterRelease?.owner).toBe('b');
  });

  it('waits for a lease until its holder releases it', async () => {
    // Prepare
    const { store } = storeAt();
    const key = { pk: 'targetgroup#tg-3', sk: 'lease' };
    const held = await store.acquireLease(key, 'a', 30);
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      if (waits.length === 2) await held?.release();
    };

    // Act
    const lease = await waitForLease(store, key, 'b', { ttlSeconds: 30, sleep });

    // Assess
    expect(lease.owner).toBe('b');
    expect(waits).toHaveLength(2);
  });

  it('gives a claim to exactly one of 10 concurrent claimants, and again once it expired', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const key = { pk: 'alert#incident-7', sk: 'claim' };

    // Act
    const first = await Promise.all(Array.from({ length: 10 }, () => store.claimOnce(key, { ttlSeconds: 60 })));
    advance(60);
    const again = await store.claimOnce(key, { ttlSeconds: 60 });

    // Assess
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(again).toBe(true);
  });

  it('holds a counter at its max under 15 concurrent increments', async () => {
    // Prepare
    const { store } = storeAt();
    const key = { pk: 'episode#alarm-1', sk: 'deregistrations' };

    // Act
    const results = await Promise.all(
      Array.from({ length: 15 }, () => store.increment(key, 1, { max: 5, ttlSeconds: 600 })),
    );

    // Assess
    const counted = results.filter((n) => n !== undefined).sort((a, b) => a - b);
    expect(counted).toEqual([1, 2, 3, 4, 5]);
    expect((await rawItem(key.pk, key.sk))?.count).toBe(5);
  });

  it('restarts an expired counter from zero and refuses a step larger than the max', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const key = { pk: 'episode#alarm-2', sk: 'deregistrations' };
    await store.increment(key, 3, { max: 3, ttlSeconds: 60 });
    const full = await store.increment(key, 1, { max: 3, ttlSeconds: 60 });
    advance(60);

    // Act
    const restarted = await store.increment(key, 2, { max: 3, ttlSeconds: 60 });
    const tooLarge = await store.increment(key, 4, { max: 3, ttlSeconds: 60 });

    // Assess
    expect(full).toBeUndefined();
    expect(restarted).toBe(2);
    expect(tooLarge).toBeUndefined();
  });
});

describe('State store: expiry of records (DynamoDB on moto)', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('keeps a record’s expiry through reads and replaces without a new ttl, and drops it when re-created without one', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const key = { pk: 'service#prod/web', sk: 'episode' };
    const expiresAt = Date.parse('2026-11-26T10:01:00Z') / 1000;

    // Act
    const created = await store.create(key, { step: 1 }, { ttlSeconds: 60 });
    const read = await store.get<{ step: number }>(key);
    const replaced = await store.replace(read as Versioned<{ step: number }>, { step: 2 });
    const storedWithExpiry = await rawItem(key.pk, key.sk);
    advance(61);
    const recreated = await store.create(key, { step: 3 });
    const storedWithout = await rawItem(key.pk, key.sk);
    advance(86_400);
    const dayLater = await store.get<{ step: number }>(key);
    const replacedWithout = await store.replace(dayLater as Versioned<{ step: number }>, { step: 4 });

    // Assess
    expect(created).toEqual({ key, version: 1, data: { step: 1 }, expiresAt });
    expect(read).toEqual({ key, version: 1, data: { step: 1 }, expiresAt });
    expect(replaced).toEqual({ key, version: 2, data: { step: 2 }, expiresAt });
    expect(storedWithExpiry?.expiresAt).toBe(expiresAt);
    expect(recreated).toEqual({ key, version: 3, data: { step: 3 } });
    expect(storedWithout).not.toHaveProperty('expiresAt');
    expect(dayLater).toEqual({ key, version: 3, data: { step: 3 } });
    expect(replacedWithout).toEqual({ key, version: 4, data: { step: 4 } });
    expect(await rawItem(key.pk, key.sk)).not.toHaveProperty('expiresAt');
  });
});
