import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, LeaseLostError, StateConflictError } from './errors.js';
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

export type { StateKey, Versioned } from './records.js';

/** Options of {@link StateStore}. */
export interface StateStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The clock expiry is judged by; tests move it. */
  now?: () => Date;
}

/** A lease held on a key until `expiresAt` (epoch seconds), unless released or renewed first. */
export interface Lease {
  key: StateKey;
  owner: string;
  expiresAt: number;
  /** Frees the lease if this owner still holds it; a lease already taken over or released is left alone. */
  release(): Promise<void>;
  /** Extends the lease from now; {@link LeaseLostError} if it expired and someone else may hold it. */
  renew(ttlSeconds: number): Promise<void>;
}

const NAMES = {
  '#pk': ATTR.pk,
  '#version': ATTR.version,
  '#expiresAt': ATTR.expiresAt,
  '#updatedAt': ATTR.updatedAt,
};
/** A record is free to (re)create when it does not exist or its stored expiry has passed (TTL deletes lazily). */
const FREE = 'attribute_not_exists(#pk) OR #expiresAt <= :now';
const LIVE = '(attribute_not_exists(#expiresAt) OR #expiresAt > :now)';
const NEXT_VERSION = '#version = if_not_exists(#version, :zero) + :one';

/**
 * Durable, concurrency-safe state in one DynamoDB table. Every write is conditional, so two copies of a function
 * acting at the same moment, or a retry after its write landed, cannot both win.
 */
export class StateStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(opts: StateStoreOptions) {
    this.#client = opts.client;
    this.#tableName = opts.tableName;
    this.#now = opts.now ?? (() => new Date());
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
    const version = await this.#write(key, {
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
    const version = await this.#write(current.key, {
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
      await this.#write(key, {
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
    return this.#lease(key, owner, expiresAt);
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
        await this.#write(key, {
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

  #lease(key: StateKey, owner: string, expiresAt: number): Lease {
    const lease: Lease = {
      key,
      owner,
      expiresAt,
      release: async () => {
        try {
          await this.#client.send(
            new DeleteCommand({
              TableName: this.#tableName,
              Key: { pk: key.pk, sk: key.sk },
              ConditionExpression: '#owner = :owner',
              ExpressionAttributeNames: { '#owner': ATTR.owner },
              ExpressionAttributeValues: { ':owner': owner },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      },
      renew: async (ttlSeconds: number) => {
        const now = this.#now();
        const renewed = expiryAfter(now, ttlSeconds);
        try {
          await this.#write(key, {
            set: { [ATTR.expiresAt]: renewed },
            remove: [],
            condition: `#owner = :owner AND #expiresAt > :now`,
            names: { '#owner': ATTR.owner },
            values: { ':owner': owner },
            now,
            conflict: `lease ${describeKey(key)} is no longer held by ${owner}`,
          });
        } catch (error) {
          if (error instanceof StateConflictError) throw new LeaseLostError(error.message, { cause: error });
          throw error;
        }
        lease.expiresAt = renewed;
      },
    };
    return lease;
  }

  /** One conditional update that also bumps the version; returns the new version. */
  async #write(
    key: StateKey,
    write: {
      set: Record<string, unknown>;
      remove: string[];
      condition: string;
      names?: Record<string, string>;
      values?: Record<string, unknown>;
      now: Date;
      conflict: string;
    },
  ): Promise<number> {
    const names: Record<string, string> = { ...NAMES, ...write.names };
    const values: Record<string, unknown> = {
      ':zero': 0,
      ':one': 1,
      ':now': epochSeconds(write.now),
      ':updatedAt': write.now.toISOString(),
      ...write.values,
    };
    const sets = [NEXT_VERSION, '#updatedAt = :updatedAt'];
    Object.entries(write.set).forEach(([attribute, value], index) => {
      names[`#s${index}`] = attribute;
      values[`:s${index}`] = value;
      sets.push(`#s${index} = :s${index}`);
    });
    const removes = write.remove.map((attribute, index) => {
      names[`#r${index}`] = attribute;
      return `#r${index}`;
    });
    const update = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`;
    try {
      const out = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: update,
          ConditionExpression: write.condition,
          ExpressionAttributeNames: usedBy([update, write.condition], names),
          ExpressionAttributeValues: usedBy([update, write.condition], values),
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.[ATTR.version]);
    } catch (error) {
      if (isConditionFailure(error)) throw new StateConflictError(write.conflict, { cause: error });
      throw error;
    }
  }
}
