import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureStateTable } from '#shared/state/index.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { ledgerOnMoto, serviceKeys } from '#test/support/state-ledger-clock.js';

const TABLE = 'ecs-autopilot-claims-chunks-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const { dynamodb, ledgerAt, rawItem } = ledgerOnMoto(proxy.endpoint, TABLE);
const operations = (from: number) =>
  proxy
    .calls()
    .slice(from)
    .map((c) => c.operation.split('.').pop());
const services = (n: number) => serviceKeys(n, 'sweep/1');

describe('State store: claims past the 100 items of one DynamoDB call', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('claims 105 keys in two writes, and names the holder of each key another owner had, in either write', async () => {
    // Prepare
    const { store } = ledgerAt();
    const keys = services(105);
    const taken = [keys[10], keys[103]] as Array<{ pk: string; sk: string }>;
    await store.claimEach(taken, { owner: 'earlier-sweep', ttlSeconds: 60 });

    // Act
    const outcomes = await store.claimEach(keys, { owner: 'this-sweep', ttlSeconds: 60 });

    // Assess
    expect(outcomes.map((o) => o.key)).toEqual(keys);
    expect(outcomes.filter((o) => o.mine)).toHaveLength(103);
    expect([outcomes[10], outcomes[103]]).toMatchObject([
      { mine: false, record: { owner: 'earlier-sweep', data: null } },
      { mine: false, record: { owner: 'earlier-sweep', data: null } },
    ]);
    expect((await rawItem(keys[104] as { pk: string; sk: string }))?.owner).toBe('this-sweep');
  });

  it('reads 105 claims back in two reads, each with its owner, version, expiry and when it was written', async () => {
    // Prepare
    const { store } = ledgerAt();
    const keys = services(105);
    await store.claimEach(keys, { owner: 'this-sweep', ttlSeconds: 60 });
    const before = proxy.calls().length;

    // Act
    const read = await store.readClaims(keys);

    // Assess
    expect(operations(before)).toEqual(['BatchGetItem', 'BatchGetItem']);
    expect(read.size).toBe(105);
    expect(read.get('service/prod/web-104/sweep/1')).toEqual({
      key: keys[104],
      owner: 'this-sweep',
      data: null,
      version: 1,
      expiresAt: Date.parse('2026-11-26T10:01:00Z') / 1000,
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
  });

  it('claims 105 members of two owners in one record, each member for its own owner', async () => {
    // Prepare
    const { store } = ledgerAt();
    const record = { pk: `service/prod/web-${Date.now()}`, sk: 'stop-reports' };
    const claims = Array.from({ length: 105 }, (_, i) => ({ member: `t${i}`, owner: `message/${i % 2}` }));

    // Act
    const holders = await store.claimMembers(record, claims, { ttlSeconds: 600 });
    const again = await store.claimMembers(record, [{ member: 't104', owner: 'message/late' }], { ttlSeconds: 600 });

    // Assess
    expect(new Map(holders)).toEqual(new Map(claims.map((c) => [c.member, c.owner])));
    expect(again.get('t104')).toBe('message/0');
  });
});

describe('State store: when members are claimed in the write that frees a lease', () => {
  const opts = { ttlSeconds: 3_600 };

  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  async function held(store: ReturnType<typeof ledgerAt>['store'], name: string) {
    const key = { pk: `target-group/${name}-${Date.now()}`, sk: 'lease/membership' };
    const lease = await store.acquireLease(key, 'invocation-1', 60);
    if (!lease) throw new Error(`lease ${key.pk} not taken`);
    return lease;
  }

  it('claims as many as 25 members in the one write, and more in writes of their own, freeing the lease either way', async () => {
    // Prepare
    const { store } = ledgerAt();
    const claimsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ member: `t${i}`, owner: 'message/a' }));
    const [few, many] = [await held(store, 'few'), await held(store, 'many')];

    // Act
    const before = proxy.calls().length;
    const fewHolders = await store.claimMembersFreeing({ pk: 'svc/few', sk: 'stops' }, claimsOf(25), opts, few);
    const between = proxy.calls().length;
    const manyHolders = await store.claimMembersFreeing({ pk: 'svc/many', sk: 'stops' }, claimsOf(26), opts, many);

    // Assess
    expect(operations(before).slice(0, between - before)).toEqual(['TransactWriteItems']);
    expect(operations(between)).toEqual(['UpdateItem', 'DeleteItem']);
    expect(fewHolders.size).toBe(25);
    expect(manyHolders.size).toBe(26);
    expect(await rawItem(few.key)).toBeUndefined();
    expect(await rawItem(many.key)).toBeUndefined();
  });

  it('only frees the lease when there is no member to claim', async () => {
    // Prepare
    const { store } = ledgerAt();
    const lease = await held(store, 'none');
    const before = proxy.calls().length;

    // Act
    const holders = await store.claimMembersFreeing({ pk: 'svc/none', sk: 'stops' }, [], opts, lease);

    // Assess
    expect(holders.size).toBe(0);
    expect(operations(before)).toEqual(['DeleteItem']);
  });

  it('claims on its own and frees a lease that does not say whose it is', async () => {
    // Prepare: a lease kept outside the table knows only how to free itself
    const { store } = ledgerAt();
    const release = vi.fn(async () => undefined);
    const before = proxy.calls().length;

    // Act
    const holders = await store.claimMembersFreeing(
      { pk: 'svc/bare', sk: 'stops' },
      [{ member: 't1', owner: 'message/a' }],
      opts,
      { release },
    );

    // Assess
    expect(new Map(holders)).toEqual(new Map([['t1', 'message/a']]));
    expect(operations(before)).toEqual(['UpdateItem']);
    expect(release).toHaveBeenCalledOnce();
  });

  it('names the rival that claimed a member first, and still frees the lease', async () => {
    // Prepare
    const { store } = ledgerAt();
    const record = { pk: `svc/rival-${Date.now()}`, sk: 'stops' };
    await store.claimMembers(record, [{ member: 't1', owner: 'message/rival' }], opts);
    const lease = await held(store, 'rival');

    // Act
    const holders = await store.claimMembersFreeing(
      record,
      [
        { member: 't1', owner: 'message/a' },
        { member: 't2', owner: 'message/a' },
      ],
      opts,
      lease,
    );

    // Assess
    expect(new Map(holders)).toEqual(
      new Map([
        ['t1', 'message/rival'],
        ['t2', 'message/a'],
      ]),
    );
    expect(await rawItem(lease.key)).toBeUndefined();
  });
});
