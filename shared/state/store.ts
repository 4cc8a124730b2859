import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { fromAttributes, keyAttributes } from './attributes.js';
import { StateConflictError } from './errors.js';
import { heldLease, type Lease } from './lease.js';
import { ATTR, describeKey, expiryAfter, isExpired, type StateKey, type Versioned } from './records.js';
import { FREE, LIVE, type StateTable, writeConditionally } from './write.js';

export type { Lease } from './lease.js';
export type { StateKey, Versioned } from './records.js';

/** Options of {@link StateStore}. */
export interface StateStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The clock expiry is judged by; tests move it. */
  now?: () => Date;
}

/**
 * Durable, concurrency-safe state in one DynamoDB table. Every write is conditional, so two copies of a function
 * acting at the same moment, or a retry after its write landed, cannot both win.
 */
export class StateStore {
  /** The table and clock the writes of this store and of {@link StateLedger} go to. */
  protected readonly table: StateTable;
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(opts: StateStoreOptions) {
    this.#client = opts.client;
    this.#tableName = opts.tableName;
    this.#now = opts.now ?? (() => new Date());
    this.table = { client: opts.client, tableName: opts.tableName, now: this.#now };
  }

  /** The record under `key`, read strongly consistent; `undefined` when absent or expired. */
  async get<T>(key: StateKey): Promise<Versioned<T> | undefined> {
    const out = await this.#client.send(
      new GetItemCommand({ TableName: this.#tableName, Key: keyAttributes(key), ConsistentRead: true }),
    );
    const item = fromAttributes(out.Item);
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
    const version = await writeConditionally(this.table, key, {
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
    const version = await writeConditionally(this.table, current.key, {
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

  /**
   * Takes the lease on `key` for `ttlSeconds` when it is free, expired or already `owner`'s; `undefined` while
   * someone else holds it. `owner` must be unique to the holder (e.g. the invocation's request id).
   */
  async acquireLease(key: StateKey, owner: string, ttlSeconds: number): Promise<Lease | undefined> {
    const now = this.#now();
    const expiresAt = expiryAfter(now, ttlSeconds);
    try {
      await writeConditionally(this.table, key, {
        set: { [ATTR.owner]: owner, [ATTR.expiresAt]: expiresAt },
        // Stryker disable next-line ArrayDeclaration: equivalent, removing an attribute the record never has changes nothing
        remove: [],
        condition: `${FREE} OR #owner = :owner`,
        names: { '#owner': ATTR.owner },
        values: { ':owner': owner },
        now,
        // Stryker disable next-line StringLiteral: equivalent, this conflict is caught below and never seen
        conflict: `lease ${describeKey(key)} is held`,
      });
    } catch (error) {
      if (error instanceof StateConflictError) return undefined;
      throw error;
    }
    return heldLease(this.table, key, owner, expiresAt);
  }
}
