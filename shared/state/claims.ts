import {
  type AttributeValue,
  BatchGetItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { fromAttributes, keyAttributes, toAttributes } from './attributes.js';
import { isConditionFailure, StateConflictError, StateError } from './errors.js';
import { ATTR, describeKey, epochSeconds, expiryAfter, isExpired, type StateKey, usedBy } from './records.js';
import { FREE, LIVE, NAMES, NEXT_VERSION, type StateTable, writeConditionally } from './write.js';

/** A claimed record as read: who claimed it and what the claimant has recorded on it since (null until then). */
export interface ClaimRecord<T> {
  key: StateKey;
  owner: string;
  data: T | null;
  /** The version read: a conditional replace of the data must still find it. */
  version?: number;
  expiresAt?: number;
  /** When it was last written (claimed, recorded on, taken over): ISO 8601. */
  updatedAt?: string;
}

/** What claiming one key gave: `mine` when this owner holds it (also when a retry finds its own landed write). */
export interface ClaimOutcome<T> {
  key: StateKey;
  mine: boolean;
  /** The record as it stood when another owner held it (absent when it could not be read in the same write). */
  record?: ClaimRecord<T>;
}

// DynamoDB takes at most 100 items in one transaction and 100 keys in one batch read.
const MOST_PER_CALL = 100;
const ROUNDS = 5;

function asClaim<T>(key: StateKey, item: Record<string, unknown> | undefined, now: Date): ClaimRecord<T> | undefined {
  const expiresAt = item?.[ATTR.expiresAt] as number | undefined;
  if (!item || isExpired(expiresAt, now)) return undefined;
  const owner = String(item[ATTR.owner] ?? '');
  const version = Number(item[ATTR.version] ?? 0);
  const updatedAt = item[ATTR.updatedAt];
  return {
    key,
    owner,
    data: (item[ATTR.data] ?? null) as T | null,
    version,
    ...(expiresAt !== undefined && { expiresAt }),
    ...(typeof updatedAt === 'string' && { updatedAt }),
  };
}

/**
 * Claims every free (absent or expired) key for `owner` with one transaction per 100 keys, and learns in the same
 * write who holds the others: a cancelled transaction names each key whose condition failed, with its record. The
 * keys that were merely cancelled along with them are claimed again in the next round, until none is left.
 */
export async function claimEach<T>(
  table: StateTable,
  keys: readonly StateKey[],
  owner: string,
  ttlSeconds: number,
): Promise<Array<ClaimOutcome<T>>> {
  const outcomes = new Map<string, ClaimOutcome<T>>();
  let pending = [...keys];
  for (let round = 0; round < ROUNDS && pending.length > 0; round++) {
    const next: StateKey[] = [];
    for (let start = 0; start < pending.length; start += MOST_PER_CALL) {
      const chunk = pending.slice(start, start + MOST_PER_CALL);
      const reasons = await claimTogether(table, chunk, owner, ttlSeconds);
      const now = table.now();
      chunk.forEach((key, i) => {
        const reason = reasons?.[i];
        if (!reasons) outcomes.set(describeKey(key), { key, mine: true });
        else if (reason?.Code === 'ConditionalCheckFailed') {
          const record = asClaim<T>(key, fromAttributes(reason.Item), now);
          outcomes.set(describeKey(key), { key, mine: record?.owner === owner, ...(record && { record }) });
        } else if (reason?.Code === 'None' || reason?.Code === 'TransactionConflict') next.push(key);
        else throw new StateError(`claim ${describeKey(key)} was refused: ${reason?.Code} ${reason?.Message ?? ''}`);
      });
    }
    pending = next;
  }
  // Keys still contended after every round: someone else is claiming them right now.
  for (const key of pending) outcomes.set(describeKey(key), { key, mine: false });
  return keys.map((key) => outcomes.get(describeKey(key)) ?? { key, mine: false });
}

type CancellationReason = { Code?: string; Message?: string; Item?: Record<string, AttributeValue> };

/** One transaction claiming `keys`; undefined when it went through, else why each item was cancelled. */
async function claimTogether(
  table: StateTable,
  keys: readonly StateKey[],
  owner: string,
  ttlSeconds: number,
): Promise<CancellationReason[] | undefined> {
  const now = table.now();
  const update = `SET ${NEXT_VERSION}, #updatedAt = :updatedAt, #owner = :owner, #expiresAt = :expiresAt, #data = :null`;
  const names = { ...NAMES, '#owner': ATTR.owner, '#data': ATTR.data };
  const values = {
    ':zero': 0,
    ':one': 1,
    ':now': epochSeconds(now),
    ':updatedAt': now.toISOString(),
    ':owner': owner,
    ':expiresAt': expiryAfter(now, ttlSeconds),
    ':null': null,
  };
  try {
    await table.client.send(
      new TransactWriteItemsCommand({
        TransactItems: keys.map((key) => ({
          Update: {
            TableName: table.tableName,
            Key: keyAttributes(key),
            UpdateExpression: update,
            ConditionExpression: FREE,
            ExpressionAttributeNames: usedBy([update, FREE], names),
            ExpressionAttributeValues: toAttributes(usedBy([update, FREE], values)),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        })),
      }),
    );
    return undefined;
  } catch (error) {
    const reasons = (error as { name?: string; CancellationReasons?: CancellationReason[] }).CancellationReasons;
    if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
    return reasons;
  }
}

/** The live claims among `keys`, read strongly consistent in one call per 100 keys, by `pk/sk`. */
export async function readEach<T>(table: StateTable, keys: readonly StateKey[]): Promise<Map<string, ClaimRecord<T>>> {
  const found = new Map<string, ClaimRecord<T>>();
  for (let start = 0; start < keys.length; start += MOST_PER_CALL) {
    let asked: Array<Record<string, AttributeValue>> = keys.slice(start, start + MOST_PER_CALL).map(keyAttributes);
    // What DynamoDB leaves unprocessed under load is asked again; a bounded number of times, then left unknown.
    for (let round = 0; round < ROUNDS && asked.length > 0; round++) {
      const out = await table.client.send(
        new BatchGetItemCommand({ RequestItems: { [table.tableName]: { Keys: asked, ConsistentRead: true } } }),
      );
      const now = table.now();
      for (const attributes of out.Responses?.[table.tableName] ?? []) {
        const item = fromAttributes(attributes) ?? {};
        const key = { pk: String(item[ATTR.pk]), sk: String(item[ATTR.sk]) };
        const record = asClaim<T>(key, item, now);
        if (record) found.set(describeKey(key), record);
      }
      asked = out.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    }
  }
  return found;
}

/** Records `data` on a claim `owner` still holds; {@link StateConflictError} when it expired or is someone else's. */
export async function recordOnClaim<T>(table: StateTable, key: StateKey, owner: string, data: T): Promise<void> {
  const now = table.now();
  const update = `SET ${NEXT_VERSION}, #updatedAt = :updatedAt, #data = :data`;
  const condition = `#owner = :owner AND ${LIVE}`;
  const names = { ...NAMES, '#owner': ATTR.owner, '#data': ATTR.data };
  const values = {
    ':zero': 0,
    ':one': 1,
    ':now': epochSeconds(now),
    ':updatedAt': now.toISOString(),
    ':owner': owner,
    ':data': data,
  };
  try {
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: keyAttributes(key),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: usedBy([update, condition], names),
        ExpressionAttributeValues: toAttributes(usedBy([update, condition], values)),
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new StateConflictError(`claim ${describeKey(key)} is no longer held by ${owner}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Takes over a claim whose owner is gone (it can no longer write): the record becomes `owner`'s if it is still as
 * read (same owner, same version, live), so of two takers exactly one gets it. True when it is `owner`'s afterwards,
 * also when this write is retried after it landed; false when someone else wrote it first.
 */
export async function takeOverClaim<T>(table: StateTable, record: ClaimRecord<T>, owner: string): Promise<boolean> {
  try {
    await writeConditionally(table, record.key, {
      set: { [ATTR.owner]: owner },
      remove: [],
      condition: `#owner = :was AND #version = :read AND ${LIVE}`,
      names: { '#owner': ATTR.owner },
      values: { ':was': record.owner, ':read': record.version ?? 0 },
      now: table.now(),
      conflict: `claim ${describeKey(record.key)} changed since it was read`,
    });
    return true;
  } catch (error) {
    if (!(error instanceof StateConflictError)) throw error;
    // Refused: by a rival's write, or by this one's own first attempt, which landed with its answer lost.
    const current = (await readEach<T>(table, [record.key])).get(describeKey(record.key));
    return current?.owner === owner;
  }
}
