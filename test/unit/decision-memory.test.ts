import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { decisionMemoryOf, stateStoreFromEnv } from '#shared/lambda/decision-memory.js';
import { StateError, StateStore } from '#shared/state/index.js';

// Never sent: building a store makes no call.
const client = new DynamoDBClient({ region: 'us-east-1' });
const saved = process.env.STATE_TABLE_NAME;

describe('Lambda: decision memory', () => {
  afterEach(() => {
    if (saved === undefined) delete process.env.STATE_TABLE_NAME;
    else process.env.STATE_TABLE_NAME = saved;
  });

  it('keeps decisions in the state table the environment names, dry run or not', () => {
    // Prepare
    process.env.STATE_TABLE_NAME = 'ecs-autopilot-prod-state';

    // Act & Assess
    expect(stateStoreFromEnv(StateStore, client, false)).toBeInstanceOf(StateStore);
    expect(stateStoreFromEnv(StateStore, client, true)).toBeInstanceOf(StateStore);
  });

  it('remembers through the state table when there is one', () => {
    // Prepare
    const store = new StateStore({ client, tableName: 'ecs-autopilot-prod-state' });

    // Act & Assess
    expect(decisionMemoryOf(store)).toBe(store);
  });

  it('refuses to act without a state table, and replays a dry run without one', () => {
    // Prepare
    delete process.env.STATE_TABLE_NAME;

    // Act & Assess
    expect(() => stateStoreFromEnv(StateStore, client, false)).toThrow(
      'STATE_TABLE_NAME (the durable state table) is required',
    );
    expect(stateStoreFromEnv(StateStore, client, true)).toBeUndefined();
  });

  it('remembers nothing and refuses to record in a dry run without a state table', async () => {
    // Act
    const memory = decisionMemoryOf(undefined);

    // Assess
    await expect(memory.get({ pk: 'service#prod/web', sk: 'cooldown#scale-out' })).resolves.toBeUndefined();
    const recorded = memory.create({ pk: 'service#prod/web', sk: 'cooldown#scale-out' }, { at: 'now' });
    await expect(recorded).rejects.toThrow(StateError);
    await expect(recorded).rejects.toThrow('a dry run records nothing in the state table');
  });
});
