import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable, StateConflictError } from '#shared/state/index.js';
import { ledgerOnClock, stateClient } from '#test/support/ledger-clock.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const TABLE = 'ecs-autopilot-claims-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const dynamodb = stateClient(proxy.endpoint);

const storeAt = (start?: Date) => ledgerOnClock(dynamodb, TABLE, start);

const keys = (...names: string[]) => names.map((n) => ({ pk: `service/prod/${n}`, sk: 'storm-sweep/1' }));

describe('State store: claims of many keys at once', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('gives each key to exactly one of 10 owners claiming overlapping sets at the same moment', async () => {
    // Prepare
    const { store } = storeAt();
    const sets = Array.from({ length: 10 }, (_, n) =>
      keys(...['a', 'b', 'c', 'd'].filter((_, i) => (n + i) % 3 !== 0)),
    );

    // Act
    const outcomes = await Promise.all(
      sets.map((set, n) => store.claimEach(set, { owner: `owner-${n}`, ttlSeconds: 60 })),
    );

    // Assess
    const holders = new Map<string, string[]>();
    outcomes.forEach((claims, n) => {
      for (const c of claims.filter((c) => c.mine))
        holders.set(c.key.pk, [...(holders.get(c.key.pk) ?? []), `owner-${n}`]);
    });
    expect([...holders.keys()].sort()).toEqual(keys('a', 'b', 'c', 'd').map((k) => k.pk));
    for (const owners of holders.values()) expect(owners).toHaveLength(1);
    const lost = outcomes.flat().filter((c) => !c.mine);
    for (const c of lost) expect(holders.get(c.key.pk)).toEqual([c.record?.owner]);
  });

  it('tells a lost claim what its holder recorded on it, in the same write', async () => {
    // Prepare
    const { store } = storeAt();
    const [a, b] = keys('a', 'b') as [{ pk: string; sk: string }, { pk: string; sk: string }];
    await store.claimEach([a], { owner: 'sweeper', ttlSeconds: 60 });
    await store.recordOnClaim(a, 'sweeper', { done: ['t1', 't2'] });

    // Act
    const [onA, onB] = await store.claimEach<{ done: string[] }>([a, b], { owner: 'late', ttlSeconds: 60 });

    // Assess
    expect(onA).toMatchObject({ mine: false, record: { owner: 'sweeper', data: { done: ['t1', 't2'] } } });
    expect(onB).toMatchObject({ mine: true });
    expect((await store.readClaims([a, b])).get(`${b.pk}/${b.sk}`)).toMatchObject({ owner: 'late', data: null });
  });

  it('counts a claim as its own when a retry finds the write of its first attempt landed', async () => {
    // Prepare: the first attempt's answer is lost after DynamoDB wrote it
    const { store } = storeAt();
    const [a] = keys('a');
    await store.claimEach([a as { pk: string; sk: string }], { owner: 'batch-1', ttlSeconds: 60 });

    // Act
    const [retried] = await store.claimEach([a as { pk: string; sk: string }], { owner: 'batch-1', ttlSeconds: 60 });

    // Assess
    expect(retried?.mine).toBe(true);
  });

  it('frees a claim once it expired, and refuses a record on a claim that is no longer the owner’s', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const [a] = keys('a') as [{ pk: string; sk: string }];
    await store.claimEach([a], { owner: 'first', ttlSeconds: 60 });
    advance(61);

    // Act
    const [again] = await store.claimEach([a], { owner: 'second', ttlSeconds: 60 });
    const stale = store.recordOnClaim(a, 'first', { done: [] });

    // Assess
    expect(again?.mine).toBe(true);
    await expect(stale).rejects.toBeInstanceOf(StateConflictError);
    const read = await store.readClaims([a]);
    expect([...read.keys()]).toEqual([`${a.pk}/${a.sk}`]);
    expect(read.get(`${a.pk}/${a.sk}`)).toMatchObject({ key: a, owner: 'second', data: null });
  });
});

describe('State store: members of one record claimed once each', () => {
  const record = { pk: 'service/prod/api', sk: 'stop-reports' };

  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('gives each member to exactly one of 10 owners claiming overlapping members at the same moment', async () => {
    // Prepare
    const { store } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}` };
    const sets = Array.from({ length: 10 }, (_, n) => ['a', 'b', 'c', 'd'].filter((_, i) => (n + i) % 3 !== 0));

    // Act
    const answers = await Promise.all(
      sets.map((members, n) =>
        store.claimMembers(
          key,
          members.map((member) => ({ member, owner: `owner-${n}` })),
          { ttlSeconds: 60 },
        ),
      ),
    );
    const again = await store.claimMembers(key, [{ member: 'a', owner: 'late' }], { ttlSeconds: 60 });

    // Assess
    const holders = new Map<string, Set<string>>();
    for (const answer of answers) {
      for (const [member, owner] of answer) holders.set(member, (holders.get(member) ?? new Set()).add(owner));
    }
    expect([...holders.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const owners of holders.values()) expect(owners.size).toBe(1);
    expect(again.get('a')).toBe([...(holders.get('a') ?? [])][0]);
    const winners = answers.flatMap((answer, n) => [...answer].filter(([, owner]) => owner === `owner-${n}`));
    expect(winners).toHaveLength(4);
  });

  it('sheds members claimed longer ago than their time to live once the record holds more than 1,000', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}-compact` };
    const old = Array.from({ length: 1_000 }, (_, i) => ({ member: `old-${i}`, owner: 'first' }));
    await store.claimMembers(key, old, { ttlSeconds: 60 });
    advance(30);
    await store.claimMembers(key, [{ member: 'recent', owner: 'first' }], { ttlSeconds: 60 });
    advance(31);

    // Act
    await store.claimMembers(key, [{ member: 'new', owner: 'second' }], { ttlSeconds: 60 });
    const after = await store.claimMembers(
      key,
      [
        { member: 'old-0', owner: 'third' },
        { member: 'recent', owner: 'third' },
      ],
      { ttlSeconds: 60 },
    );

    // Assess
    expect(after.get('old-0')).toBe('third');
    expect(after.get('recent')).toBe('first');
  });

  it('sheds its oldest members, even within their time to live, before the record reaches the 400 KB item limit', async () => {
    // Prepare: 1,600 members of about 280 bytes each would be about 440 KB
    const { store, advance } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}-bytes` };
    const owner = 'o'.repeat(250);
    for (let batch = 0; batch < 4; batch += 1) {
      const members = Array.from({ length: 400 }, (_, i) => ({ member: `stop-${batch}-${i}`, owner }));
      await store.claimMembers(key, members, { ttlSeconds: 3_600 });
      advance(1);
    }

    // Act
    const after = await store.claimMembers(
      key,
      [
        { member: 'stop-0-0', owner: 'late' },
        { member: 'stop-3-399', owner: 'late' },
      ],
      { ttlSeconds: 3_600 },
    );

    // Assess
    expect(after.get('stop-0-0')).toBe('late');
    expect(after.get('stop-3-399')).toBe(owner);
  });
});
