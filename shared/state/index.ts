/**
 * The state table's API. Powertools Idempotency (about 23 KiB, which esbuild keeps once imported) is not re-exported:
 * the notifier, its one user, imports `idempotency.ts` itself.
 */
export type { ClaimOutcome, ClaimRecord } from './claims.js';
export * from './errors.js';
export type { Lease } from './lease.js';
export { type WaitForLeaseOptions, waitForLease } from './lease-wait.js';
export { StateLedger } from './ledger.js';
export type { MemberHolders } from './members.js';
export { describeKey, type StateKey, type Versioned } from './records.js';
export { StateStore, type StateStoreOptions } from './store.js';
export { ensureStateTable, stateTableNameFromEnv } from './table.js';
