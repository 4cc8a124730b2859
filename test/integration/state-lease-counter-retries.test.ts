import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable, LeaseLostError } from '#shared/state/index.js';
import { heldLease } from '#shared/state/lease.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { epoch, ledgerOnMoto } from '#test/support/state-ledger-clock.js';

const TABLE = 'ecs-autopilot-lease-retries-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const { endpoint } = await useMotoProxy();
const { dynamodb, ledgerAt, rawItem } = ledgerOnMoto(endpoint, TABLE);
const key = { pk: 'target-group/tg-1', sk: 'lease/membership' };

describe('State store: a lease asked for again, renewed late or released twice', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('gives its holder the lease again when a retry finds its first attempt landed, and extends it', async () => {
    // Prepare: the first answer was lost after DynamoDB wrote it
    const { store, advance } = ledgerAt();
    await store.acquireLease(key, 'invocation-1', 30);
    advance(20);

    // Act
    const again = await store.acquireLease(key, 'invocation-1', 30);
    advance(20);
    const rival = await store.acquireLease(key, 'invocation-2', 30);

    // Assess
    expect(again).toMatchObject({ key, owner: 'invocation-1', expiresAt: epoch('2026-11-26T10:00:50Z') });
    expect(rival).toBeUndefined();
    expect(await rawItem(key)).toMatchObject({ owner: 'invocation-1', expiresAt: epoch('2026-11-26T10:00:50Z') });
  });

  it('refuses to renew a lease that expired, even when no one took it since', async () => {
    // Prepare
    const { store, advance } = ledgerAt();
    const lease = await store.acquireLease(key, 'invocation-1', 30);
    advance(30);

    // Act
    const renewed = lease?.renew(30);

    // Assess
    await expect(renewed).rejects.toBeInstanceOf(LeaseLostError);
    await expect(renewed).rejects.toHaveProperty('cause.name', 'StateConflictError');
    expect(await store.acquireLease(key, 'invocation-2', 30)).toMatchObject({ owner: 'invocation-2' });
  });

  it('moves the expiry a renewal set into the lease it holds and into the table', async () => {
    // Prepare
    const { store, advance } = ledgerAt();
    const lease = await store.acquireLease(key, 'invocation-1', 30);
    advance(25);

    // Act
    await lease?.renew(60);

    // Assess
    expect(lease?.expiresAt).toBe(epoch('2026-11-26T10:01:25Z'));
    expect((await rawItem(key))?.expiresAt).toBe(epoch('2026-11-26T10:01:25Z'));
  });

  it('releases a lease twice without complaint, and the second release frees nothing of the next holder', async () => {
    // Prepare
    const { store } = ledgerAt();
    const first = await store.acquireLease(key, 'invocation-1', 30);
    await first?.release();
    const second = await store.acquireLease(key, 'invocation-2', 30);

    // Act
    const releasedAgain = first?.release();

    // Assess
    await expect(releasedAgain).resolves.toBeUndefined();
    expect(second).toBeDefined();
    expect((await rawItem(key))?.owner).toBe('invocation-2');
  });

  it('does not hide a release that failed for another reason than the lease being gone', async () => {
    // Prepare: a table that is not there
    const table = { client: dynamodb, tableName: `${TABLE}-missing`, now: () => new Date() };
    const lease = heldLease(table, key, 'invocation-1', epoch('2026-11-26T10:00:30Z'));

    // Act & Assess
    await expect(lease.release()).rejects.toHaveProperty('name', 'ResourceNotFoundException');
    await expect(lease.renew(30)).rejects.toHaveProperty('name', 'ResourceNotFoundException');
  });
});

describe('State store: counters under retries and concurrent starts', () => {
  const counter = { pk: 'episode#alarm-1', sk: 'deregistrations' };

  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('adds a step that reaches the max exactly, and nothing past it', async () => {
    // Prepare
    const { store } = ledgerAt();
    const opts = { max: 5, ttlSeconds: 600 };

    // Act
    const counts = [
      await store.increment(counter, 3, opts),
      await store.increment(counter, 2, opts),
      await store.increment(counter, 1, opts),
    ];

    // Assess
    expect(counts).toEqual([3, 5, undefined]);
    expect((await rawItem(counter))?.count).toBe(5);
  });

  it('starts a counter with a first step equal to its max', async () => {
    // Act
    const { store } = ledgerAt();
    const first = await store.increment(counter, 4, { max: 4, ttlSeconds: 600 });

    // Assess
    expect(first).toBe(4);
  });

  it('counts every one of 12 concurrent first steps of a counter without max once', async () => {
    // Prepare
    const { store } = ledgerAt();

    // Act
    const counts = await Promise.all(
      Array.from({ length: 12 }, () => store.increment(counter, 1, { ttlSeconds: 600 })),
    );

    // Assess
    expect([...counts].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await rawItem(counter))?.count).toBe(12);
  });

  it('keeps the expiry of its start while counting, and starts afresh from that second on', async () => {
    // Prepare
    const { store, advance } = ledgerAt();
    await store.increment(counter, 1, { max: 10, ttlSeconds: 60 });
    advance(59);
    const later = await store.increment(counter, 1, { max: 10, ttlSeconds: 60 });
    advance(1);

    // Act
    const afresh = await store.increment(counter, 1, { max: 10, ttlSeconds: 60 });

    // Assess
    expect(later).toBe(2);
    expect(afresh).toBe(1);
    expect((await rawItem(counter))?.expiresAt).toBe(epoch('2026-11-26T10:02:00Z'));
  });
});
