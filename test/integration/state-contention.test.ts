import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsCall, ProxyResponse } from '#local/moto-proxy-types.js';
import { ensureStateTable, StateConflictError, StateError } from '#shared/state/index.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { ledgerOnMoto } from '#test/support/state-ledger-clock.js';

const TABLE = 'ecs-autopilot-contention-test';
// Through the proxy: it makes moto's conditional writes atomic per request, and answers for a rival writer here.
const proxy = await useMotoProxy();
const { dynamodb, ledgerAt, rawItem } = ledgerOnMoto(proxy.endpoint, TABLE);
const keys = (...names: string[]) => names.map((n) => ({ pk: `service/prod/${n}`, sk: 'storm-sweep/1' }));

/** DynamoDB's JSON error answer. */
function dynamodbError(type: string, message: string, extra: Record<string, unknown> = {}): ProxyResponse {
  return {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra }),
  };
}

/** What DynamoDB answers a transaction of which every item met `code` (another transaction on it, or a refusal). */
function cancelEvery(code: string) {
  return (call: AwsCall) => {
    const items = (call.params as { TransactItems?: unknown[] }).TransactItems ?? [];
    const reasons = items.map(() => ({ Code: code, Message: `${code} on this item` }));
    return dynamodbError('TransactionCanceledException', `Transaction cancelled [${code}]`, {
      CancellationReasons: reasons,
    });
  };
}

const operations = (from: number) =>
  proxy
    .calls()
    .slice(from)
    .map((c) => c.operation);

describe('State store: claims while another transaction holds the same keys', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('claims again in the next round the keys another transaction held at that moment', async () => {
    // Prepare
    const { store } = ledgerAt();
    proxy.addRule({
      match: (c) => c.operation === 'TransactWriteItems',
      times: 1,
      respond: cancelEvery('TransactionConflict'),
    });
    const before = proxy.calls().length;

    // Act
    const outcomes = await store.claimEach(keys('a', 'b'), { owner: 'sweep-1', ttlSeconds: 60 });

    // Assess
    expect(outcomes.map((o) => o.mine)).toEqual([true, true]);
    expect(operations(before)).toEqual(['TransactWriteItems', 'TransactWriteItems']);
    expect((await rawItem(keys('b')[0] as { pk: string; sk: string }))?.owner).toBe('sweep-1');
  });

  it('counts keys still held by other transactions after five rounds as not its own, and claims none', async () => {
    // Prepare
    const { store } = ledgerAt();
    proxy.addRule({ match: (c) => c.operation === 'TransactWriteItems', respond: cancelEvery('TransactionConflict') });
    const before = proxy.calls().length;

    // Act
    const outcomes = await store.claimEach(keys('a', 'b'), { owner: 'sweep-1', ttlSeconds: 60 });

    // Assess
    expect(outcomes).toEqual(keys('a', 'b').map((key) => ({ key, mine: false })));
    expect(operations(before)).toHaveLength(5);
  });

  it('fails, saying which key and why, when DynamoDB refuses a claim for another reason', async () => {
    // Prepare
    const { store } = ledgerAt();
    proxy.addRule({ match: (c) => c.operation === 'TransactWriteItems', respond: cancelEvery('ValidationError') });

    // Act
    const claimed = store.claimEach(keys('a'), { owner: 'sweep-1', ttlSeconds: 60 });

    // Assess
    await expect(claimed).rejects.toBeInstanceOf(StateError);
    await expect(claimed).rejects.toThrow(
      'claim service/prod/a/storm-sweep/1 was refused: ValidationError ValidationError on this item',
    );
  });
});

describe('State store: a counter whose start keeps losing to others', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('gives up after five attempts with a conflict that says so, and has counted nothing', async () => {
    // Prepare: every start of the counter finds one begun by someone else, which is gone again when it adds
    const { store } = ledgerAt();
    const counter = { pk: 'episode#alarm-1', sk: 'deregistrations' };
    proxy.addRule({
      match: (c) =>
        c.operation === 'UpdateItem' &&
        String((c.params as Record<string, unknown>).ConditionExpression).startsWith('attribute_not_exists'),
      respond: () => dynamodbError('ConditionalCheckFailedException', 'The conditional request failed'),
    });

    const before = proxy.calls().length;

    // Act
    const counted = store.increment(counter, 1, { ttlSeconds: 600 });

    // Assess
    await expect(counted).rejects.toBeInstanceOf(StateConflictError);
    await expect(counted).rejects.toThrow(
      'counter episode#alarm-1/deregistrations kept changing under five attempts to add 1',
    );
    expect(await rawItem(counter)).toBeUndefined();
    expect(operations(before).filter((op) => op === 'UpdateItem')).toHaveLength(10);
  });
});
