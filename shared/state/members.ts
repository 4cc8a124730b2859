import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { fromAttributes, keyAttributes, toAttributes } from './attributes.js';
import { ATTR, epochSeconds, expiryAfter, type StateKey } from './records.js';
import type { StateTable } from './write.js';

// An update expression is limited to 4 KB: 100 members of about 30 characters each stay well within it.
const MOST_PER_CALL = 100;
/** Past this many members a record sheds those older than its time to live. */
const COMPACT_AFTER = 1_000;
/** Past this many bytes of members it sheds its oldest too, whatever their age: an item is limited to 400 KB. */
export const MOST_MEMBER_BYTES = 300 * 1024;
// As many names as a claim sets: well within the 4 KB expression limit.
const MOST_REMOVED_PER_CALL = MOST_PER_CALL;
const PREFIX = 'm:';

/** A member's entry as stored: when it was claimed and by whom (`<epoch seconds> <owner>`). */
function entry(value: unknown): { at: number; owner: string } {
  const text = String(value ?? '');
  const space = text.indexOf(' ');
  return { at: Number(text.slice(0, space)), owner: text.slice(space + 1) };
}

/**
 * Claims members of one record for their owners, each member once: one UpdateItem per 100 members sets every member
 * not yet there (`if_not_exists`, atomic for the whole item) and returns who holds each member afterwards, so of two
 * concurrent claims of a member exactly one owner is answered to both. The record lives `ttlSeconds` past its last
 * claim; a member is remembered as long as its record is, which must outlast every redelivery that could claim it.
 */
export async function claimMembers(
  table: StateTable,
  key: StateKey,
  claims: ReadonlyArray<{ member: string; owner: string }>,
  ttlSeconds: number,
): Promise<Map<string, string>> {
  const holders = new Map<string, string>();
  for (let start = 0; start < claims.length; start += MOST_PER_CALL) {
    const now = table.now();
    const chunk = claims.slice(start, start + MOST_PER_CALL);
    const names: Record<string, string> = {
      '#version': ATTR.version,
      '#expiresAt': ATTR.expiresAt,
      '#updatedAt': ATTR.updatedAt,
    };
    const values: Record<string, unknown> = {
      ':zero': 0,
      ':one': 1,
      ':expiresAt': expiryAfter(now, ttlSeconds),
      ':updatedAt': now.toISOString(),
    };
    const owners = [...new Set(chunk.map((c) => c.owner))];
    owners.forEach((owner, i) => {
      values[`:o${i}`] = `${epochSeconds(now)} ${owner}`;
    });
    const sets = chunk.map((c, i) => {
      names[`#m${i}`] = `${PREFIX}${c.member}`;
      return `#m${i} = if_not_exists(#m${i}, :o${owners.indexOf(c.owner)})`;
    });
    const out = await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: keyAttributes(key),
        UpdateExpression: `SET #version = if_not_exists(#version, :zero) + :one, #expiresAt = :expiresAt, #updatedAt = :updatedAt, ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toAttributes(values),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = fromAttributes(out.Attributes) ?? {};
    for (const c of chunk) holders.set(c.member, entry(item[`${PREFIX}${c.member}`]).owner);
    await compact(table, key, item, ttlSeconds);
  }
  return holders;
}

/**
 * Once the record holds many members, removes those claimed longer than `ttlSeconds` ago (no redelivery claims them),
 * then the oldest others while the members pass MOST_MEMBER_BYTES: in a storm of thousands of stops an hour a very
 * late redelivery of a shed member may be counted again, where a record over 400 KB would refuse every claim.
 */
async function compact(table: StateTable, key: StateKey, item: Record<string, unknown>, ttlSeconds: number) {
  const members = Object.keys(item).filter((name) => name.startsWith(PREFIX));
  if (members.length <= COMPACT_AFTER) return;
  const oldest = epochSeconds(table.now()) - ttlSeconds;
  const byAge = members
    .map((name) => ({
      name,
      at: entry(item[name]).at,
      bytes: Buffer.byteLength(name) + Buffer.byteLength(String(item[name])),
    }))
    .sort((a, b) => a.at - b.at);
  let bytes = byAge.reduce((sum, member) => sum + member.bytes, 0);
  const shed: string[] = [];
  for (const member of byAge) {
    if (member.at >= oldest && bytes <= MOST_MEMBER_BYTES) break;
    shed.push(member.name);
    bytes -= member.bytes;
  }
  for (let start = 0; start < shed.length; start += MOST_REMOVED_PER_CALL) {
    const chunk = shed.slice(start, start + MOST_REMOVED_PER_CALL);
    const names = Object.fromEntries(chunk.map((name, i) => [`#s${i}`, name]));
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: keyAttributes(key),
        UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
        ExpressionAttributeNames: names,
      }),
    );
  }
}
