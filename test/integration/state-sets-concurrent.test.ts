import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable } from '#shared/state/index.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { epoch, ledgerOnMoto } from '#test/support/state-ledger-clock.js';

const TABLE = 'ecs-autopilot-sets-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const { dynamodb, ledgerAt, rawItem } = ledgerOnMoto(proxy.endpoint, TABLE);
const record = { pk: 'service/prod/web', sk: 'failed-stops' };

describe('State store: member sets added to by several invocations', () => {
  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
  });

  it('shows a stop as new to exactly one of 10 invocations adding it at the same moment', async () => {
    // Prepare
    const { store } = ledgerAt();

    // Act
    const before = await Promise.all(
      Array.from({ length: 10 }, () => store.addToSets(record, { 'stops/1': ['task-1'] }, { ttlSeconds: 600 })),
    );

    // Assess
    expect(before.filter((sets) => !sets['stops/1']?.has('task-1'))).toHaveLength(1);
    expect((await rawItem(record))?.['stops/1']).toEqual(new Set(['task-1']));
  });

  it('answers each set as it was before, keeps a member once, and lives its time to live from the last addition', async () => {
    // Prepare
    const { store, advance } = ledgerAt();
    await store.addToSets(record, { 'stops/1': ['task-1'] }, { ttlSeconds: 600 });
    advance(60);

    // Act
    const before = await store.addToSets(
      record,
      { 'stops/1': ['task-1', 'task-2'], 'stops/2': ['task-2'] },
      { ttlSeconds: 600 },
    );

    // Assess
    expect(before).toEqual({ 'stops/1': new Set(['task-1']), 'stops/2': new Set() });
    expect(await rawItem(record)).toMatchObject({
      'stops/1': new Set(['task-1', 'task-2']),
      'stops/2': new Set(['task-2']),
      version: 2,
      expiresAt: epoch('2026-11-26T10:11:00Z'),
    });
  });

  it('drops the sets of windows gone by in the same write, but never one it adds to', async () => {
    // Prepare
    const { store } = ledgerAt();
    await store.addToSets(record, { 'stops/0': ['task-0'], 'stops/1': ['task-1'] }, { ttlSeconds: 600 });

    // Act
    await store.addToSets(record, { 'stops/2': ['task-2'] }, { ttlSeconds: 600, drop: ['stops/0', 'stops/2'] });

    // Assess
    const stored = await rawItem(record);
    expect(stored).not.toHaveProperty('stops/0');
    expect(stored).toMatchObject({ 'stops/1': new Set(['task-1']), 'stops/2': new Set(['task-2']) });
  });

  it('writes nothing when there is nothing to add, and adds to the sets that have members', async () => {
    // Prepare
    const { store } = ledgerAt();
    const before = proxy.calls().length;

    // Act
    const nothing = await store.addToSets(record, { 'stops/1': [] }, { ttlSeconds: 600, drop: ['stops/0'] });
    const calls = proxy.calls().length - before;
    const some = await store.addToSets(record, { 'stops/1': [], 'stops/2': ['task-2'] }, { ttlSeconds: 600 });

    // Assess
    expect(nothing).toEqual({});
    expect(calls).toBe(0);
    expect(some).toEqual({ 'stops/1': new Set(), 'stops/2': new Set() });
    expect(await rawItem(record)).toMatchObject({ 'stops/2': new Set(['task-2']) });
  });

  it('removes members, leaving the others and the expiry as they were, and creates no record that is gone', async () => {
    // Prepare
    const { store, advance } = ledgerAt();
    const kept = { pk: 'crash-loop/prod/api', sk: 'failed-stops' };
    const gone = { pk: 'crash-loop/prod/gone', sk: 'failed-stops' };
    await store.addToSets(kept, { pending: ['a', 'b'], 'stops/1': ['task-1'] }, { ttlSeconds: 600 });
    const expiresAt = (await rawItem(kept))?.expiresAt;
    advance(60);

    // Act: one removal, then the same again (a retry, or a rival's), then one of a record never written
    await store.removeFromSets(kept, { pending: ['a'], 'stops/1': [] });
    await store.removeFromSets(kept, { pending: ['a'] });
    await store.removeFromSets(gone, { pending: ['a'] });

    // Assess
    expect(await rawItem(kept)).toMatchObject({ pending: new Set(['b']), 'stops/1': new Set(['task-1']), expiresAt });
    expect(await rawItem(gone)).toBeUndefined();
  });

  it('removes nothing, with no call, when no member is named, and passes on a failure other than a missing record', async () => {
    // Prepare
    const { store } = ledgerAt();
    const record = { pk: 'crash-loop/prod/worker', sk: 'failed-stops' };
    await store.addToSets(record, { pending: ['a'] }, { ttlSeconds: 600 });
    const before = proxy.calls().length;

    // Act
    await store.removeFromSets(record, { pending: [] });
    const calls = proxy.calls().length - before;
    proxy.throttle('dynamodb:UpdateItem', 3);
    const failure = await store.removeFromSets(record, { pending: ['a'] }).catch((error: unknown) => error);

    // Assess
    expect(calls).toBe(0);
    expect(failure).toMatchObject({ name: 'ThrottlingException' });
    expect(await rawItem(record)).toMatchObject({ pending: new Set(['a']) });
  });
});
