import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable } from '#shared/state/index.js';
import { ledgerOnClock, stateClient } from '#test/support/ledger-clock.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const TABLE = 'ecs-autopilot-claims-notes-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const dynamodb = stateClient(proxy.endpoint);

const storeAt = (start?: Date) => ledgerOnClock(dynamodb, TABLE, start);

describe('State store: notes kept beside a record’s members', () => {
  const opts = { ttlSeconds: 3_600 };
  let record: { pk: string; sk: string };

  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
    record = { pk: `service/prod/web-${Date.now()}`, sk: 'stop-reports' };
  });

  async function attributes() {
    const out = await dynamodb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: record.pk }, sk: { S: record.sk } },
        ConsistentRead: true,
      }),
    );
    return Object.keys(out.Item ?? {}).sort();
  }

  it('answers every claim that reads the record with its notes, the latest value of each, and keeps its members', async () => {
    // Prepare
    const { store } = storeAt();
    await store.claimMembers(record, [{ member: 't1', owner: 'message/a' }], opts);
    await store.noteOn(record, 'alert/k1', '{"first":true}', opts);
    await store.noteOn(record, 'alert/k1', '{"second":true}', opts);
    await store.noteOn(record, 'alert/k2', 'two words', opts);

    // Act
    const holders = await store.claimMembers(record, [{ member: 't1', owner: 'message/b' }], opts);

    // Assess
    expect([...holders]).toEqual([['t1', 'message/a']]);
    expect([...holders.notes].sort()).toEqual([
      ['alert/k1', '{"second":true}'],
      ['alert/k2', 'two words'],
    ]);
  });

  it('answers a claim that frees a lease with the notes when a member was held, and with none when it was not', async () => {
    // Prepare
    const { store } = storeAt();
    await store.claimMembers(record, [{ member: 't1', owner: 'message/a' }], opts);
    await store.noteOn(record, 'alert/k1', 'kept', opts);
    const lease = async (name: string) =>
      (await store.acquireLease({ pk: `target-group/${name}-${Date.now()}`, sk: 'lease/membership' }, name, 60)) ??
      expect.fail(`lease ${name} not taken`);

    // Act
    const retried = await store.claimMembersFreeing(
      record,
      [{ member: 't1', owner: 'message/a' }],
      opts,
      await lease('a'),
    );
    const fresh = await store.claimMembersFreeing(
      record,
      [{ member: 't2', owner: 'message/c' }],
      opts,
      await lease('c'),
    );

    // Assess
    expect([...retried.notes]).toEqual([['alert/k1', 'kept']]);
    expect([...fresh]).toEqual([['t2', 'message/c']]);
    expect(fresh.notes.size).toBe(0);
  });

  it('stops answering with a note past the claim’s time to live, and sheds it in that claim', async () => {
    // Prepare: one note a second past the time to live when the claim comes, one written exactly that long before it
    const { store, advance } = storeAt();
    await store.noteOn(record, 'alert/old', 'old', opts);
    advance(1);
    await store.noteOn(record, 'alert/edge', 'edge', opts);
    advance(1_799);
    await store.noteOn(record, 'alert/new', 'new', opts);
    advance(1_801);

    // Act
    const holders = await store.claimMembers(record, [{ member: 't1', owner: 'message/a' }], opts);

    // Assess
    expect([...holders.notes].sort()).toEqual([
      ['alert/edge', 'edge'],
      ['alert/new', 'new'],
    ]);
    expect((await attributes()).filter((name) => name.startsWith('n:'))).toEqual(['n:alert/edge', 'n:alert/new']);
  });
});
