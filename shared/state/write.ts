import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { fromAttributes, keyAttributes, toAttributes } from './attributes.js';
import { isConditionFailure, StateConflictError } from './errors.js';
import { ATTR, epochSeconds, type StateKey, usedBy } from './records.js';

/** The table a store writes to, and the clock it judges expiry by. */
export interface StateTable {
  client: DynamoDBClient;
  tableName: string;
  now: () => Date;
}

/** One conditional update: what to set and remove, the condition, and what to say when it does not hold. */
export interface ConditionalWrite {
  set: Record<string, unknown>;
  remove: string[];
  condition: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
  now: Date;
  conflict: string;
}

export const NAMES = {
  '#pk': ATTR.pk,
  '#version': ATTR.version,
  '#expiresAt': ATTR.expiresAt,
  '#updatedAt': ATTR.updatedAt,
};
/** A record is free to (re)create when it does not exist or its stored expiry has passed (TTL deletes lazily). */
export const FREE = 'attribute_not_exists(#pk) OR #expiresAt <= :now';
/** A record without expiry, or whose expiry is still ahead. */
export const LIVE = '(attribute_not_exists(#expiresAt) OR #expiresAt > :now)';
export const NEXT_VERSION = '#version = if_not_exists(#version, :zero) + :one';

/**
 * One conditional update that also bumps the version; returns the new version, or throws
 * {@link StateConflictError} when the condition does not hold.
 */
export async function writeConditionally(table: StateTable, key: StateKey, write: ConditionalWrite): Promise<number> {
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
    const out = await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: keyAttributes(key),
        UpdateExpression: update,
        ConditionExpression: write.condition,
        ExpressionAttributeNames: usedBy([update, write.condition], names),
        ExpressionAttributeValues: toAttributes(usedBy([update, write.condition], values)),
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    // Stryker disable next-line OptionalChaining: equivalent, a successful update asked for UPDATED_NEW always answers them
    return Number(fromAttributes(out.Attributes)?.[ATTR.version]);
  } catch (error) {
    if (isConditionFailure(error)) throw new StateConflictError(write.conflict, { cause: error });
    throw error;
  }
}
