// Apart from runtime.ts: only the wiring of reactions that remember imports it, so no other function bundles DynamoDB.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StateError, type StateStore, type StateStoreOptions, stateTableNameFromEnv } from '../state/index.js';

/** Where a function records its decisions: the state table, or, for a dry run without one, an empty memory. */
export type DecisionMemory = Pick<StateStore, 'get' | 'create'>;

/** Nothing recorded and nothing to record: what a dry run replayed away from the stack remembers. */
const emptyMemory: DecisionMemory = {
  get: async () => undefined,
  create: async () => {
    throw new StateError('a dry run records nothing in the state table');
  },
};

/**
 * The state table a function keeps its decisions and leases in (STATE_TABLE_NAME, required); none only for a dry run
 * without one, a replay on a workstation: it changes nothing, so it has nothing to remember or serialize.
 */
export function stateStoreFromEnv<S extends StateStore>(
  Store: new (opts: StateStoreOptions) => S,
  client: DynamoDBClient,
  dryRun: boolean,
): S | undefined {
  if (dryRun && !process.env.STATE_TABLE_NAME) return undefined;
  return new Store({ client, tableName: stateTableNameFromEnv() });
}

/** Where a function records its decisions: the state table, or, for a dry run without one, an empty memory. */
export function decisionMemoryOf(store: StateStore | undefined): DecisionMemory {
  return store ?? emptyMemory;
}
