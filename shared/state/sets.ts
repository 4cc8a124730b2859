import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { fromAttributes, keyAttributes, toAttributes } from './attributes.js';
import { isConditionFailure } from './errors.js';
import { ATTR, type StateKey, touchOf } from './records.js';
import type { StateTable } from './write.js';

/**
 * The `#<p>i :<p>i` operands of an ADD or DELETE of string-set members, one per attribute with members (none for an
 * empty list), each attribute's name and members set in `names` and `values`.
 */
function setOperands(
  members: Record<string, readonly string[]>,
  prefix: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string[] {
  return Object.entries(members)
    .filter(([, some]) => some.length > 0)
    .map(([attribute, some], index) => {
      names[`#${prefix}${index}`] = attribute;
      values[`:${prefix}${index}`] = new Set(some);
      return `#${prefix}${index} :${prefix}${index}`;
    });
}

/**
 * Adds members to string-set attributes of the record under `key` in one UpdateItem, removes the attributes named in
 * `drop`, and returns each added-to set as it was just before (DynamoDB applies the update atomically, so of two
 * concurrent additions each sees the other's or not at all). Adding a member twice keeps it once. The record lives
 * `ttlSeconds` from now.
 */
export async function addToSets(
  table: StateTable,
  key: StateKey,
  members: Record<string, readonly string[]>,
  opts: { ttlSeconds: number; drop?: readonly string[] },
): Promise<Record<string, Set<string>>> {
  const now = table.now();
  const { names, values } = touchOf(now, opts.ttlSeconds);
  const adds = setOperands(members, 'a', names, values);
  // Stryker disable next-line ArrayDeclaration: equivalent, removing an attribute the record never has changes nothing
  const drops = (opts.drop ?? [])
    .filter((attribute) => !(attribute in members))
    .map((attribute, index) => {
      names[`#d${index}`] = attribute;
      return `#d${index}`;
    });
  if (adds.length === 0) return {};
  const update = [
    `ADD ${adds.join(', ')}`,
    'SET #version = if_not_exists(#version, :zero) + :one, #expiresAt = :expiresAt, #updatedAt = :updatedAt',
    ...(drops.length > 0 ? [`REMOVE ${drops.join(', ')}`] : []),
  ].join(' ');
  const out = await table.client.send(
    new UpdateItemCommand({
      TableName: table.tableName,
      Key: keyAttributes(key),
      UpdateExpression: update,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: toAttributes(values),
      // The whole item as it was, so a set this addition left unchanged is answered too (moto's UPDATED_OLD omits it).
      ReturnValues: 'ALL_OLD',
    }),
  );
  const old = fromAttributes(out.Attributes) ?? {};
  return Object.fromEntries(
    Object.keys(members).map((attribute) => [attribute, new Set((old[attribute] as Set<string> | undefined) ?? [])]),
  );
}

/**
 * Removes members from string-set attributes of the record under `key` in one UpdateItem; removing one that is not
 * there changes nothing, so a retry or a rival's removal of the same member is harmless. A record that is gone stays
 * gone (none is created). The record's expiry is left as it was.
 */
export async function removeFromSets(
  table: StateTable,
  key: StateKey,
  members: Record<string, readonly string[]>,
): Promise<void> {
  const names: Record<string, string> = { '#pk': ATTR.pk };
  const values: Record<string, unknown> = {};
  const deletes = setOperands(members, 'r', names, values);
  if (deletes.length === 0) return;
  try {
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: keyAttributes(key),
        UpdateExpression: `DELETE ${deletes.join(', ')}`,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toAttributes(values),
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
