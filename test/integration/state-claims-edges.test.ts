import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable, StateConflictError } from '#shared/state/index.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { ledgerOnMoto, serviceKeys } from '#test/support/state-ledger-clock.js';

const TABLE = 'ecs-autopilot-claims-edges-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const { dynamodb, ledgerAt } = ledgerOnMoto(proxy.endpoint, TABLE);
const missing = ledgerOnMoto(proxy.endpoint, 'ecs-autopilot-no-such-table');
const operations = (from: number) =>
  proxy
    .calls()
    .slice(from)
    .map((c) => c.operation.split('.').pop());
const services = (n: number) => serviceKeys(n, 'sweep/7');

describe('State store: claims at the edges', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('claims 100 keys in one write and reads them back in one read, and 3 keys in one read too', async () => {
    // Prepare
    const { store } = ledgerAt();
    const keys = services(100);

    // Act
    const before = proxy.calls().length;
    const outcomes = await store.claimEach(keys, { owner: 'sweep-a', ttlSeconds: 60 });
    const claimed = operations(before);
    const readFrom = proxy.calls().length;
    const read = await store.readClaims(keys);
    const readAll = operations(readFrom);
    const fewFrom = proxy.calls().length;
    const few = await store.readClaims(keys.slice(0, 3));

    // Assess
    expect(outcomes.every((o) => o.mine)).toBe(true);
    expect(claimed).toEqual(['TransactWriteItems']);
    expect(read.size).toBe(100);
    expect(readAll).toEqual(['BatchGetItem']);
    expect(few.size).toBe(3);
    expect(operations(fewFrom)).toEqual(['BatchGetItem']);
  });

  it('reads no claim once it expired, though nobody claimed it since', async () => {
    // Prepare
    const { store, advance } = ledgerAt();
    const [live, lapsing] = services(2) as [{ pk: string; sk: string }, { pk: string; sk: string }];
    await store.claimEach([lapsing], { owner: 'sweep-a', ttlSeconds: 60 });
    advance(30);
    await store.claimEach([live], { owner: 'sweep-b', ttlSeconds: 60 });
    advance(31);

    // Act
    const read = await store.readClaims([live, lapsing]);

    // Assess
    expect([...read.keys()]).toEqual([`${live.pk}/${live.sk}`]);
    expect(read.get(`${live.pk}/${live.sk}`)).toMatchObject({ owner: 'sweep-b' });
  });

  it('fails a claim DynamoDB refuses outright, and counts no key as claimed', async () => {
    // Prepare
    const { store } = missing.ledgerAt();

    // Act
    const claim = store.claimEach(services(2), { owner: 'sweep-a', ttlSeconds: 60 });

    // Assess
    await expect(claim).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses a record on a claim that is someone else’s with a conflict naming the claim and the owner', async () => {
    // Prepare
    const { store } = ledgerAt();
    const [key] = services(1) as [{ pk: string; sk: string }];
    await store.claimEach([key], { owner: 'sweep-a', ttlSeconds: 60 });

    // Act
    const stale = store.recordOnClaim(key, 'sweep-b', { done: ['t1'] });
    const lost = missing.ledgerAt().store.recordOnClaim(key, 'sweep-a', { done: ['t1'] });

    // Assess
    await expect(stale).rejects.toBeInstanceOf(StateConflictError);
    await expect(stale).rejects.toThrow(`claim ${key.pk}/${key.sk} is no longer held by sweep-b`);
    await expect(stale).rejects.toHaveProperty('cause.name', 'ConditionalCheckFailedException');
    await expect(lost).rejects.not.toBeInstanceOf(StateConflictError);
    await expect(lost).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
