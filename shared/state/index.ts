export * from './errors.js';
export { idempotencyRecords } from './idempotency.js';
export type { Lease } from './lease.js';
export { type WaitForLeaseOptions, waitForLease } from './lease-wait.js';
export { describeKey, type StateKey, type Versioned } from './records.js';
export { StateStore, type StateStoreOptions } from './store.js';
export { ensureStateTable, stateTableNameFromEnv } from './table.js';
