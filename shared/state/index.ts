export * from './errors.js';
export { type WaitForLeaseOptions, waitForLease } from './lease-wait.js';
export { describeKey, type StateKey, type Versioned } from './records.js';
export { type Lease, StateStore, type StateStoreOptions } from './store.js';
export { ensureStateTable, stateTableNameFromEnv } from './table.js';
