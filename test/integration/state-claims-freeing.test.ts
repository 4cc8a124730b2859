import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable, type StateLedger } from '#shared/state/index.js';
import { ledgerOnClock, stateClient } from '#test/support/ledger-clock.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const TABLE = 'ecs-autopilot-claims-freeing-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const dynamodb = stateClient(proxy.endpoint);

const storeAt = (start?: Date) => ledgerOnClock(dynamodb, TABLE, start);
/** The operations the proxy saw after the first `before` calls. */
const operationsSince = (before: number) =>
  proxy
    .calls()
    .slice(before)
    .map((c) => c.operation.split('.').pop());

describe('State store: members claimed in the write that frees a lease', () => {
  const record = { pk: 'service/prod/web', sk: 'stop-reports' };
  const leaseOf = (n: string) => ({ pk: `target-group/${n}-${Date.now()}`, sk: 'lease/membership' });
  const opts = { ttlSeconds: 3_600 };

  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  async function held(store: StateLedger, key: { pk: string; sk: string }, owner: string) {
    const lease = await store.acquireLease(key, owner, 60);
    if (!lease) throw new Error(`lease ${key.pk} not taken by ${owner}`);
    return lease;
  }

  it('claims the members and frees the lease in one write', async () => {
    // Prepare
    const { store } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}` };
    const leaseKey = leaseOf('one');
    const lease = await held(store, leaseKey, 'invocation-1');
    const before = proxy.calls().length;

    // Act
    const holders = await store.claimMembersFreeing(key, [{ member: 't1', owner: 'message/a' }], opts, lease);

    // Assess
    expect(operationsSince(before)).toEqual(['TransactWriteItems']);
    expect(new Map(holders)).toEqual(new Map([['t1', 'message/a']]));
    expect(await store.acquireLease(leaseKey, 'invocation-2', 60)).toBeDefined();
  });

  it.each([
    ['names no record', {}],
    ['names a record but no owner', { key: { pk: 'target-group/no-owner', sk: 'lease/membership' } }],
  ])('claims on its own, then releases, a lease that %s: no transaction tried', async (_, named) => {
    // Prepare: a lease as a dry run or a path without the state table hands over, that only knows how to release.
    const { store } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}` };
    let released = 0;
    const before = proxy.calls().length;

    // Act
    const holders = await store.claimMembersFreeing(key, [{ member: 't1', owner: 'message/a' }], opts, {
      ...named,
      release: async () => {
        released += 1;
      },
    });

    // Assess
    expect(operationsSince(before)).toEqual(['UpdateItem']);
    expect(new Map(holders)).toEqual(new Map([['t1', 'message/a']]));
    expect(released).toBe(1);
  });

  it('gives a member to exactly one owner when claims that free leases race plain claims, and frees every lease', async () => {
    // Prepare
    const { store } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}` };
    const leaseKeys = [0, 1, 2, 3, 4].map((n) => leaseOf(`race-${n}`));
    const leases = await Promise.all(leaseKeys.map((k, n) => held(store, k, `invocation-${n}`)));

    // Act
    const answers = await Promise.all([
      ...leases.map((lease, n) =>
        store.claimMembersFreeing(key, [{ member: 't1', owner: `message/${n}` }], opts, lease),
      ),
      ...[5, 6, 7, 8, 9].map((n) => store.claimMembers(key, [{ member: 't1', owner: `message/${n}` }], opts)),
    ]);

    // Assess
    const named = new Set(answers.map((holders) => holders.get('t1')));
    expect(named.size).toBe(1);
    for (const k of leaseKeys) expect(await store.acquireLease(k, 'someone-else', 60)).toBeDefined();
  });

  it('counts a member as its own when retried after the write landed, and leaves the lease free', async () => {
    // Prepare: the first attempt's answer is lost after DynamoDB wrote it
    const { store } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}` };
    const leaseKey = leaseOf('retried');
    const lease = await held(store, leaseKey, 'invocation-1');
    await store.claimMembersFreeing(key, [{ member: 't1', owner: 'message/a' }], opts, lease);

    // Act
    const retried = await store.claimMembersFreeing(key, [{ member: 't1', owner: 'message/a' }], opts, lease);

    // Assess
    expect(new Map(retried)).toEqual(new Map([['t1', 'message/a']]));
    expect(await store.acquireLease(leaseKey, 'invocation-2', 60)).toBeDefined();
  });

  it('never frees a lease another invocation took over once it expired, and still claims', async () => {
    // Prepare
    const { store, advance } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}` };
    const leaseKey = leaseOf('taken-over');
    const stale = await held(store, leaseKey, 'invocation-1');
    advance(61);
    await held(store, leaseKey, 'invocation-2');

    // Act
    const holders = await store.claimMembersFreeing(key, [{ member: 't1', owner: 'message/a' }], opts, stale);

    // Assess
    expect(new Map(holders)).toEqual(new Map([['t1', 'message/a']]));
    expect(await store.acquireLease(leaseKey, 'invocation-3', 60)).toBeUndefined();
  });

  it('checks the record for members to shed after at most 200 claims made with leases', async () => {
    // Prepare: as many claims as allowed since the record was last looked at whole
    const { store } = storeAt();
    const key = { ...record, pk: `${record.pk}-${Date.now()}` };
    await store.claimMembers(key, [{ member: 't0', owner: 'message/z' }], opts);
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        UpdateExpression: 'SET claimsUnchecked = :full',
        ExpressionAttributeValues: { ':full': { N: '200' } },
      }),
    );
    const lease = await held(store, leaseOf('full'), 'invocation-1');
    const before = proxy.calls().length;

    // Act
    const holders = await store.claimMembersFreeing(key, [{ member: 't1', owner: 'message/a' }], opts, lease);

    // Assess: refused as one write, then claimed on its own with the record's whole answer, and the lease freed
    expect(new Map(holders)).toEqual(new Map([['t1', 'message/a']]));
    expect(operationsSince(before)).toEqual(['TransactWriteItems', 'UpdateItem', 'DeleteItem']);
    const itemKey = { pk: { S: key.pk }, sk: { S: key.sk } };
    const item = (await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: itemKey, ConsistentRead: true })))
      .Item;
    expect(item?.claimsUnchecked).toEqual({ N: '0' });
  });
});
