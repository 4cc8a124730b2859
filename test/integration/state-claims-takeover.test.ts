import { beforeEach, describe, expect, it } from 'vitest';
import { loseAnswersAfterWrite } from '#local/moto-proxy-rules.js';
import { ensureStateTable, type StateKey } from '#shared/state/index.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { ledgerOnMoto, serviceKeys } from '#test/support/state-ledger-clock.js';

const TABLE = 'ecs-autopilot-claims-takeover-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const { dynamodb, ledgerAt } = ledgerOnMoto(proxy.endpoint, TABLE);
const id = (key: StateKey) => `${key.pk}/${key.sk}`;

describe('State store: taking over a claim whose owner is gone', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  /** A key claimed by `dead`, who recorded nothing on it, as a taker reads it. */
  async function abandoned() {
    const { store, advance } = ledgerAt();
    const [key] = serviceKeys(1, 'storm-sweep/9') as [StateKey];
    await store.claimEach([key], { owner: 'dead', ttlSeconds: 300 });
    advance(90);
    const record = (await store.readClaims([key])).get(id(key));
    if (!record) throw new Error('the claim was not read back');
    return { store, key, record };
  }

  it('gives the claim to the taker, who can then record on it, and no longer to its owner', async () => {
    // Prepare
    const { store, key, record } = await abandoned();

    // Act
    const mine = await store.takeOverClaim(record, 'taker');
    await store.recordOnClaim(key, 'taker', { done: ['t1'] });

    // Assess
    expect(mine).toBe(true);
    expect((await store.readClaims([key])).get(id(key))).toMatchObject({ owner: 'taker', data: { done: ['t1'] } });
    await expect(store.recordOnClaim(key, 'dead', { done: [] })).rejects.toThrow('is no longer held by dead');
  });

  it('gives it to exactly one of five takers at the same moment', async () => {
    // Prepare
    const { store, key, record } = await abandoned();

    // Act
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => store.takeOverClaim(record, `taker-${n}`)));

    // Assess
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const winner = `taker-${outcomes.indexOf(true) + 1}`;
    expect((await store.readClaims([key])).get(id(key))).toMatchObject({ owner: winner });
  });

  it('refuses it once the owner wrote since the read (its result came late)', async () => {
    // Prepare
    const { store, key, record } = await abandoned();
    await store.recordOnClaim(key, 'dead', { done: ['t1'] });

    // Act
    const mine = await store.takeOverClaim(record, 'taker');

    // Assess
    expect(mine).toBe(false);
    expect((await store.readClaims([key])).get(id(key))).toMatchObject({ owner: 'dead', data: { done: ['t1'] } });
  });

  it('counts the takeover as its own when its retry finds the first attempt landed, and fails on a lost answer', async () => {
    // Prepare: the first attempt lands but its answer is lost
    const { store, key, record } = await abandoned();
    loseAnswersAfterWrite(proxy, 'UpdateItem', 1);
    const lost = await store.takeOverClaim(record, 'taker').catch((error: Error) => error);

    // Act: the retry of the same write, from the same read
    const retried = await store.takeOverClaim(record, 'taker');

    // Assess
    expect(lost).toMatchObject({ name: 'InternalFailure' });
    expect(retried).toBe(true);
    expect((await store.readClaims([key])).get(id(key))).toMatchObject({ owner: 'taker' });
  });

  it('reads who holds each member of a record, and its notes, claiming none', async () => {
    // Prepare
    const { store } = ledgerAt();
    const [key] = serviceKeys(1, 'stop-reports') as [StateKey];
    await store.claimMembers(
      key,
      [
        { member: 't1', owner: 'sweep/a' },
        { member: 't2', owner: 'message/b' },
      ],
      { ttlSeconds: 3600 },
    );
    await store.noteOn(key, 'alert/x', '{"kept":true}', { ttlSeconds: 3600 });

    // Act
    const before = proxy.calls().length;
    const holders = await store.readMembers(key, { ttlSeconds: 3600 });
    const calls = proxy.calls().slice(before);

    // Assess
    expect(calls.map((c) => c.operation)).toEqual(['GetItem']);
    expect([...holders.all]).toEqual([
      ['t1', 'sweep/a'],
      ['t2', 'message/b'],
    ]);
    expect([...holders.notes]).toEqual([['alert/x', '{"kept":true}']]);
    expect(holders.size).toBe(0);
  });
});
