import { type AttributeValue, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { fromAttributes, keyAttributes, toAttributes } from './attributes.js';
import { isConditionFailure, StateConflictError } from './errors.js';
import { ATTR, describeKey, epochSeconds, expiryAfter, isExpired, type StateKey, usedBy } from './records.js';
import { FREE, NAMES, NEXT_VERSION, type StateTable, writeConditionally } from './write.js';

/**
 * Adds `by` to the counter under `key` and returns the new count, or `undefined` (nothing added) if it would pass
 * `max`. A new or expired counter starts from zero and lives `ttlSeconds`; a live one keeps its expiry.
 */
export async function increment(
  table: StateTable,
  key: StateKey,
  by: number,
  opts: { max?: number; ttlSeconds: number },
): Promise<number | undefined> {
  if (opts.max !== undefined && by > opts.max) return undefined;
  // Two conditional writes (add to a live counter, or start a fresh one) cannot both succeed: one of them holds.
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = table.now();
    const added = await addToLiveCounter(table, key, by, opts.max, now);
    if (added.count !== undefined) return added.count;
    if (added.current !== undefined && !isExpired(added.current.expiresAt, now)) return undefined;
    try {
      await writeConditionally(table, key, {
        set: { [ATTR.count]: by, [ATTR.expiresAt]: expiryAfter(now, opts.ttlSeconds) },
        // Stryker disable next-line ArrayDeclaration: equivalent, removing an attribute the record never has changes nothing
        remove: [],
        condition: FREE,
        now,
        // Stryker disable next-line StringLiteral: equivalent, this conflict is caught below and never seen
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
async function addToLiveCounter(table: StateTable, key: StateKey, by: number, max: number | undefined, now: Date) {
  const update = `SET #count = #count + :by, ${NEXT_VERSION}, #updatedAt = :updatedAt`;
  const condition = `attribute_exists(#count) AND #expiresAt > :now${max === undefined ? '' : ' AND #count <= :limit'}`;
  try {
    const out = await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: keyAttributes(key),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: usedBy([update, condition], { ...NAMES, '#count': ATTR.count }),
        ExpressionAttributeValues: toAttributes(
          usedBy([update, condition], {
            ':by': by,
            ':zero': 0,
            ':one': 1,
            ':now': epochSeconds(now),
            ':updatedAt': now.toISOString(),
            // Stryker disable next-line ConditionalExpression: equivalent, without a max the condition has no :limit and usedBy drops it
            ':limit': max === undefined ? 0 : max - by,
          }),
        ),
        ReturnValues: 'UPDATED_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    // Stryker disable next-line OptionalChaining: equivalent, a successful update asked for UPDATED_NEW always answers them
    return { count: Number(fromAttributes(out.Attributes)?.[ATTR.count]) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const item = fromAttributes((error as { Item?: Record<string, AttributeValue> }).Item);
    // Stryker disable next-line ObjectLiteral: equivalent, an empty answer has no current counter either
    if (item?.[ATTR.count] === undefined) return { current: undefined };
    return { current: { expiresAt: item[ATTR.expiresAt] as number | undefined } };
  }
}
