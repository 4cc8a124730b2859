import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ClaimOutcome, type ClaimRecord, claimEach, readEach, recordOnClaim } from './claims.js';
import { isConditionFailure, StateConflictError } from './errors.js';
import { heldLease, type Lease } from './lease.js';
import { claimMembers, claimMembersFreeing } from './members.js';
import {
  ATTR,
  describeKey,
  epochSeconds,
  expiryAfter,
  isExpired,
  type StateKey,
  usedBy,
  type Versioned,
} from './records.js';
import { addToSets } from './sets.js';

import { FREE, LIVE, NAMES, NEXT_VERSION, type StateTable, writeConditionally } from './write.js';

export type { ClaimOutcome, ClaimRecord } from './claims.js';
export type { Lease } from './lease.js';
export type { StateKey, Versioned } from './records.js';

/** Options of {@link StateStore}. */
export interface StateStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The clock expiry is judged by; tests move it. */
  now?: () => Date;
}

/**
 * Durable, concurrency-safe state in one DynamoDB table. Every write is conditional, so two copies of a function
 * acting at the same moment, or a retry after its write landed, cannot both win.
 */
export class StateStore {
  readonly #table: StateTable;
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(opts: StateStoreOptions) {
    this.#client = opts.client;
    this.#tableName = opts.tableName;
    this.#now = opts.now ?? (() => new Date());
    this.#table = { client: opts.client, tableName: opts.tableName, now: this.#now };
  }

  /** The record under `key`, read strongly consistent; `undefined` when absent or expired. */
  async get<T>(key: StateKey): Promise<Versioned<T> | undefined> {
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
    );
    const item = out.Item;
    if (item === undefined) return undefined;
    const expiresAt = item[ATTR.expiresAt] as number | undefined;
    if (isExpired(expiresAt, this.#now())) return undefined;
    return {
      key,
      version: Number(item[ATTR.version] ?? 0),
      data: item[ATTR.data] as T,
      ...(expiresAt !== undefined && { expiresAt }),
    };
  }

  /** Creates the record; {@link StateConflictError} if a live one exists. An expired one is replaced. */
  async create<T>(key: StateKey, data: T, opts: { ttlSeconds?: number } = {}): Promise<Versioned<T>> {
    const now = this.#now();
    const expiresAt = opts.ttlSeconds === undefined ? undefined : expiryAfter(now, opts.ttlSeconds);
    const version = await writeConditionally(this.#table, key, {
      set: { [ATTR.data]: data, ...(expiresAt !== undefined && { [ATTR.expiresAt]: expiresAt }) },
      remove: expiresAt === undefined ? [ATTR.expiresAt] : [],
      condition: FREE,
      now,
      conflict: `${describeKey(key)} already exists`,
    });
    return { key, version, data, ...(expiresAt !== undefined && { expiresAt }) };
  }

  /**
   * Replaces the record's data if it is still at the version read and not expired, else {@link StateConflictError}.
   * The expiry is kept unless `ttlSeconds` sets a new one from now.
   */
  async replace<T>(current: Versioned<T>, data: T, opts: { ttlSeconds?: number } = {}): Promise<Versioned<T>> {
    const now = this.#now();
    const expiresAt = opts.ttlSeconds === undefined ? current.expiresAt : expiryAfter(now, opts.ttlSeconds);
    const version = await writeConditionally(this.#table, current.key, {
      set: { [ATTR.data]: data, ...(expiresAt !== undefined && { [ATTR.expiresAt]: expiresAt }) },
      remove: expiresAt === undefined ? [ATTR.expiresAt] : [],
      condition: `#version = :expected AND ${LIVE}`,
      values: { ':expected': current.version },
      now,
      conflict: `${describeKey(current.key)} changed since version ${current.version} was read, or expired`,
    });
    return { key: current.key, version, data, ...(expiresAt !== undefined && { expiresAt }) };
  }

  /** Claims `key` for `ttlSeconds`: true for the first writer, false while an earlier claim is live. */
  async claimOnce(key: StateKey, opts: { ttlSeconds: number; data?: unknown }): Promise<boolean> {
    try {
      await this.create(key, opts.data ?? null, { ttlSeconds: opts.ttlSeconds });
      return true;
    } catch (error) {
      if (error instanceof StateConflictError) return false;
      throw error;
    }
  }

  /** Claims each free key for `owner` in one write per 100 keys; per key, whether it is `owner`'s or whose it is. */
  claimEach<T>(
    keys: readonly StateKey[],
    opts: { owner: string; ttlSeconds: number },
  ): Promise<Array<ClaimOutcome<T>>> {
    return claimEach<T>(this.#table, keys, opts.owner, opts.ttlSeconds);
  }

  /** Claims each member of the record under `key` once, in one write per 100 members; who holds each member. */
  claimMembers(
    key: StateKey,
    claims: ReadonlyArray<{ member: string; owner: string }>,
    opts: { ttlSeconds: number },
  ): Promise<Map<string, string>> {
    return claimMembers(this.#table, key, claims, opts.ttlSeconds);
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
  ): Promise<Map<string, string>> {
    return claimMembersFreeing(this.#table, key, claims, opts.ttlSeconds, lease);
  }

  /** The live claims among `keys`, in one strongly consistent read per 100 keys, by `pk/sk`. */
  readClaims<T>(keys: readonly StateKey[]): Promise<Map<string, ClaimRecord<T>>> {
    return readEach<T>(this.#table, keys);
  }

  /** Records `data` on a claim `owner` still holds; {@link StateConflictError} otherwise. */
  recordOnClaim<T>(key: StateKey, owner: string, data: T): Promise<void> {
    return recordOnClaim(this.#table, key, owner, data);
  }

  /**
   * Takes the lease on `key` for `ttlSeconds` when it is free, expired or already `owner`'s; `undefined` while
   * someone else holds it. `owner` must be unique to the holder (e.g. the invocation's request id).
   */
  async acquireLease(key: StateKey, owner: string, ttlSeconds: number): Promise<Lease | undefined> {
    const now = this.#now();
    const expiresAt = expiryAfter(now, ttlSeconds);
    try {
      await writeConditionally(this.#table, key, {
        set: { [ATTR.owner]: owner, [ATTR.expiresAt]: expiresAt },
        remove: [],
        condition: `${FREE} OR #owner = :owner`,
        names: { '#owner': ATTR.owner },
        values: { ':owner': owner },
        now,
        conflict: `lease ${describeKey(key)} is held`,
      });
    } catch (error) {
      if (error instanceof StateConflictError) return undefined;
      throw error;
    }
    return heldLease(this.#table, key, owner, expiresAt);
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
    return addToSets(this.#table, key, members, opts);
  }

  /**
   * Adds `by` to the counter under `key` and returns the new count, or `undefined` (nothing added) if it would pass
   * `max`. A new or expired counter starts from zero and lives `ttlSeconds`; a live one keeps its expiry.
   */
  async increment(key: StateKey, by: number, opts: { max?: number; ttlSeconds: number }): Promise<number | undefined> {
    if (opts.max !== undefined && by > opts.max) return undefined;
    // Two conditional writes (add to a live counter, or start a fresh one) cannot both succeed: one of them holds.
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.#now();
      const added = await this.#add(key, by, opts.max, now);
      if (added.count !== undefined) return added.count;
      if (added.current !== undefined && !isExpired(added.current.expiresAt, now)) return undefined;
      try {
        await writeConditionally(this.#table, key, {
          set: { [ATTR.count]: by, [ATTR.expiresAt]: expiryAfter(now, opts.ttlSeconds) },
          remove: [],
          condition: FREE,
          now,
          conflict: `counter ${describeKey(key)} was started concurrently`,
        });
        return by;
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
      }
    }
    throw new StateConflictError(`counter ${describeKey(key)} kept changing under five attempts to add ${by}`);
  }

  /** Adds to a live counter within `max`; on refusal, what the counter held (absent or expired: `undefined`). */
  async #add(key: StateKey, by: number, max: number | undefined, now: Date) {
    const update = `SET #count = #count + :by, ${NEXT_VERSION}, #updatedAt = :updatedAt`;
    const condition = `attribute_exists(#count) AND #expiresAt > :now${max === undefined ? '' : ' AND #count <= :limit'}`;
    try {
      const out = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: usedBy([update, condition], { ...NAMES, '#count': ATTR.count }),
          ExpressionAttributeValues: usedBy([update, condition], {
            ':by': by,
            ':zero': 0,
            ':one': 1,
            ':now': epochSeconds(now),
            ':updatedAt': now.toISOString(),
            ':limit': max === undefined ? 0 : max - by,
          }),
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { count: Number(out.Attributes?.[ATTR.count]) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The document client does not convert the item of a failed condition: it is still in DynamoDB's own form.
      const item = (error as { Item?: Record<string, { N?: string }> }).Item;
      if (item?.[ATTR.count] === undefined) return { current: undefined };
      const expiresAt = item[ATTR.expiresAt]?.N;
      return { current: { expiresAt: expiresAt === undefined ? undefined : Number(expiresAt) } };
    }
  }
}
