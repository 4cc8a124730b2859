import { type ClaimOutcome, type ClaimRecord, claimEach, readEach, recordOnClaim, takeOverClaim } from './claims.js';
import { increment } from './counters.js';
import type { Lease } from './lease.js';
import { claimMembers, claimMembersFreeing, type MemberHolders, noteOn, readMembers } from './members.js';
import type { StateKey } from './records.js';
import { addToSets, removeFromSets } from './sets.js';
import { StateStore } from './store.js';

/**
 * The state store with claims, member sets and counters besides records and leases: what the task function keeps
 * (storm sweeps, stop reports, the crash-loop counter). Apart from {@link StateStore} so that a function that only
 * reads, creates and replaces records does not bundle these writes.
 */
export class StateLedger extends StateStore {
  /** Claims each free key for `owner` in one write per 100 keys; per key, whether it is `owner`'s or whose it is. */
  claimEach<T>(
    keys: readonly StateKey[],
    opts: { owner: string; ttlSeconds: number },
  ): Promise<Array<ClaimOutcome<T>>> {
    return claimEach<T>(this.table, keys, opts.owner, opts.ttlSeconds);
  }

  /** Claims each member of the record under `key` once, in one write per 100 members; who holds each member. */
  claimMembers(
    key: StateKey,
    claims: ReadonlyArray<{ member: string; owner: string }>,
    opts: { ttlSeconds: number },
  ): Promise<MemberHolders> {
    return claimMembers(this.table, key, claims, opts.ttlSeconds);
  }

  /**
   * Claims members of the record under `key` like {@link claimMembers}, in the write that frees `lease` when it can
   * (one call instead of two); the lease is freed either way, and never once another owner took it over.
   */
  claimMembersFreeing(
    key: StateKey,
    claims: ReadonlyArray<{ member: string; owner: string }>,
    opts: { ttlSeconds: number },
    lease: Pick<Lease, 'release'> & Partial<Pick<Lease, 'key' | 'owner'>>,
  ): Promise<MemberHolders> {
    return claimMembersFreeing(this.table, key, claims, opts.ttlSeconds, lease);
  }

  /** Who holds each member of the record under `key`, and its notes, without claiming any. */
  readMembers(key: StateKey, opts: { ttlSeconds: number }): Promise<MemberHolders> {
    return readMembers(this.table, key, opts.ttlSeconds);
  }

  /** Keeps `value` as the note `name` beside the members of the record under `key`, read by the claims that follow. */
  noteOn(key: StateKey, name: string, value: string, opts: { ttlSeconds: number }): Promise<void> {
    return noteOn(this.table, key, name, value, opts.ttlSeconds);
  }

  /** The live claims among `keys`, in one strongly consistent read per 100 keys, by `pk/sk`. */
  readClaims<T>(keys: readonly StateKey[]): Promise<Map<string, ClaimRecord<T>>> {
    return readEach<T>(this.table, keys);
  }

  /** Makes a claim whose owner is gone `owner`'s, if it is still as read; whether it is `owner`'s afterwards. */
  takeOverClaim<T>(record: ClaimRecord<T>, owner: string): Promise<boolean> {
    return takeOverClaim(this.table, record, owner);
  }

  /** Records `data` on a claim `owner` still holds; {@link StateConflictError} otherwise. */
  recordOnClaim<T>(key: StateKey, owner: string, data: T): Promise<void> {
    return recordOnClaim(this.table, key, owner, data);
  }

  /**
   * Adds members to string-set attributes of the record under `key` (one UpdateItem, members kept once however often
   * added), removes the attributes named in `drop`, and returns each added-to set as it was just before.
   */
  addToSets(
    key: StateKey,
    members: Record<string, readonly string[]>,
    opts: { ttlSeconds: number; drop?: readonly string[] },
  ): Promise<Record<string, Set<string>>> {
    return addToSets(this.table, key, members, opts);
  }

  /** Removes members from string-set attributes of the record under `key` (one UpdateItem; none created if gone). */
  removeFromSets(key: StateKey, members: Record<string, readonly string[]>): Promise<void> {
    return removeFromSets(this.table, key, members);
  }

  /**
   * Adds `by` to the counter under `key` and returns the new count, or `undefined` (nothing added) if it would pass
   * `max`. A new or expired counter starts from zero and lives `ttlSeconds`; a live one keeps its expiry.
   */
  increment(key: StateKey, by: number, opts: { max?: number; ttlSeconds: number }): Promise<number | undefined> {
    return increment(this.table, key, by, opts);
  }
}
