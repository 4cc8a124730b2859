import { GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { fromAttributes, keyAttributes, toAttributes } from './attributes.js';
import type { Lease } from './lease.js';
import { ATTR, epochSeconds, type StateKey, touchOf } from './records.js';
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
/** A note kept beside the members (see {@link noteOn}). */
const NOTE_PREFIX = 'n:';
/** Past this many bytes of notes a record sheds its oldest, whatever their age. */
export const MOST_NOTE_BYTES = 64 * 1024;
/** Members claimed since a claim last read the whole record (and shed what it must): reset by every such claim. */
const UNCHECKED = 'claimsUnchecked';
/**
 * Claims made in the write that frees a lease answer nothing about the record, so none sheds members: past this many
 * the next one is refused and claims on its own. 200 members of about 130 bytes stay well within the 100 KB that
 * MOST_MEMBER_BYTES leaves under DynamoDB's 400 KB item limit.
 */
export const MOST_CLAIMED_UNCHECKED = 200;
/** A claim riding on a lease's release names each member in its condition: a lone stop's few, well within 4 KB. */
const MOST_FREEING = 25;

/** A member's entry as stored: when it was claimed and by whom (`<epoch seconds> <owner>`). */
function entry(value: unknown): { at: number; owner: string } {
  const text = String(value ?? '');
  const space = text.indexOf(' ');
  return { at: Number(text.slice(0, space)), owner: text.slice(space + 1) };
}

/**
 * Who holds each member after a claim, and the notes the record held when the claim read it ({@link noteOn}), by
 * name: none when the claim read nothing of the record (one that rode on a lease's release).
 */
export class MemberHolders extends Map<string, string> {
  readonly notes = new Map<string, string>();
  /** Every member of the record and who holds it, asked or not, when the claim read the record. */
  readonly all = new Map<string, string>();
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
): Promise<MemberHolders> {
  const holders = new MemberHolders();
  for (let start = 0; start < claims.length; start += MOST_PER_CALL) {
    const now = table.now();
    const chunk = claims.slice(start, start + MOST_PER_CALL);
    const { names, values } = touchOf(now, ttlSeconds);
    const owners = [...new Set(chunk.map((c) => c.owner))];
    owners.forEach((owner, i) => {
      values[`:o${i}`] = `${epochSeconds(now)} ${owner}`;
    });
    const sets = chunk.map((c, i) => {
      names[`#m${i}`] = `${PREFIX}${c.member}`;
      return `#m${i} = if_not_exists(#m${i}, :o${owners.indexOf(c.owner)})`;
    });
    names['#unchecked'] = UNCHECKED;
    const out = await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: keyAttributes(key),
        // This claim reads the whole record and sheds what it must: the claims made since are checked.
        UpdateExpression: `SET #version = if_not_exists(#version, :zero) + :one, #expiresAt = :expiresAt, #updatedAt = :updatedAt, #unchecked = :zero, ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toAttributes(values),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = fromAttributes(out.Attributes) ?? {};
    for (const c of chunk) holders.set(c.member, entry(item[`${PREFIX}${c.member}`]).owner);
    readHolders(item, epochSeconds(now) - ttlSeconds, holders);
    await compact(table, key, item, ttlSeconds);
  }
  return holders;
}

/** Fills `holders` with every member of a record's `item` and its notes written since `oldest` (epoch seconds). */
function readHolders(item: Record<string, unknown>, oldest: number, holders: MemberHolders): void {
  for (const [name, value] of Object.entries(item)) {
    const held = entry(value);
    if (name.startsWith(PREFIX)) holders.all.set(name.slice(PREFIX.length), held.owner);
    else if (name.startsWith(NOTE_PREFIX) && held.at >= oldest)
      holders.notes.set(name.slice(NOTE_PREFIX.length), held.owner);
  }
}

/** Who holds each member of the record under `key` and its notes, read strongly consistent, claiming nothing. */
export async function readMembers(table: StateTable, key: StateKey, ttlSeconds: number): Promise<MemberHolders> {
  const out = await table.client.send(
    new GetItemCommand({ TableName: table.tableName, Key: keyAttributes(key), ConsistentRead: true }),
  );
  const holders = new MemberHolders();
  readHolders(fromAttributes(out.Item) ?? {}, epochSeconds(table.now()) - ttlSeconds, holders);
  return holders;
}

/**
 * Claims members, none of them claimed yet, in the same transaction that frees `lease`: one write instead of two.
 * Refused as a whole when a member is someone's already (a redelivery, a rival batch), when the lease is no longer
 * `lease.owner`'s (it expired and was taken over: never freed then), when another transaction holds either item, or
 * after MOST_CLAIMED_UNCHECKED such claims: then, as after an answer lost, the members are claimed on their own, which
 * says who holds each (its own earlier claim included), and the lease is freed if still held. Returns the holders.
 */
export async function claimMembersFreeing(
  table: StateTable,
  key: StateKey,
  claims: ReadonlyArray<{ member: string; owner: string }>,
  ttlSeconds: number,
  lease: Pick<Lease, 'release'> & Partial<Pick<Lease, 'key' | 'owner'>>,
): Promise<MemberHolders> {
  const members = new MemberHolders(claims.map((c) => [c.member, c.owner]));
  if (lease.key && lease.owner && members.size > 0 && members.size <= MOST_FREEING) {
    try {
      await claimFreeing(table, key, members, ttlSeconds, { key: lease.key, owner: lease.owner });
      // Granted only when no member was held: no note can name any of them.
      return members;
    } catch {
      // Refused, or its answer lost: claiming on its own tells who holds each member, this claim's own included.
    }
  }
  try {
    return await claimMembers(table, key, claims, ttlSeconds);
  } finally {
    await lease.release().catch(() => undefined);
  }
}

/** The transaction of {@link claimMembersFreeing}: the lease deleted if still the owner's, the members set if free. */
async function claimFreeing(
  table: StateTable,
  key: StateKey,
  members: ReadonlyMap<string, string>,
  ttlSeconds: number,
  lease: { key: StateKey; owner: string },
) {
  const now = table.now();
  const touch = touchOf(now, ttlSeconds);
  const names: Record<string, string> = { ...touch.names, '#unchecked': UNCHECKED };
  const values: Record<string, unknown> = {
    ...touch.values,
    ':claimed': members.size,
    ':most': MOST_CLAIMED_UNCHECKED,
  };
  const sets: string[] = [];
  const free: string[] = [];
  [...members].forEach(([member, owner], i) => {
    names[`#m${i}`] = `${PREFIX}${member}`;
    values[`:o${i}`] = `${epochSeconds(now)} ${owner}`;
    sets.push(`#m${i} = :o${i}`);
    free.push(`attribute_not_exists(#m${i})`);
  });
  await table.client.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Delete: {
            TableName: table.tableName,
            Key: keyAttributes(lease.key),
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': ATTR.owner },
            ExpressionAttributeValues: toAttributes({ ':owner': lease.owner }),
          },
        },
        {
          Update: {
            TableName: table.tableName,
            Key: keyAttributes(key),
            UpdateExpression: `SET #version = if_not_exists(#version, :zero) + :one, #expiresAt = :expiresAt, #updatedAt = :updatedAt, #unchecked = if_not_exists(#unchecked, :zero) + :claimed, ${sets.join(', ')}`,
            ConditionExpression: `(attribute_not_exists(#unchecked) OR #unchecked < :most) AND ${free.join(' AND ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: toAttributes(values),
          },
        },
      ],
    }),
  );
}

/**
 * The members a record of `item`'s members sheds at `nowSeconds`: none while it holds at most 1,000; past that, those
 * claimed longer than `ttlSeconds` ago (no redelivery claims them), then the oldest others while the members pass
 * MOST_MEMBER_BYTES.
 */
export function membersToShed(item: Record<string, unknown>, nowSeconds: number, ttlSeconds: number): string[] {
  const members = Object.keys(item).filter((name) => name.startsWith(PREFIX));
  if (members.length <= COMPACT_AFTER) return [];
  return oldestToShed(item, members, nowSeconds - ttlSeconds, MOST_MEMBER_BYTES);
}

/**
 * The notes a record of `item` sheds at `nowSeconds`: those written longer than `ttlSeconds` ago, then the oldest
 * others while the notes pass MOST_NOTE_BYTES.
 */
export function notesToShed(item: Record<string, unknown>, nowSeconds: number, ttlSeconds: number): string[] {
  const notes = Object.keys(item).filter((name) => name.startsWith(NOTE_PREFIX));
  return oldestToShed(item, notes, nowSeconds - ttlSeconds, MOST_NOTE_BYTES);
}

/**
 * What to shed of `names` (each value `<epoch seconds> …`), oldest first: those written before `oldest`, then others
 * while they pass `most` bytes. DynamoDB keeps no order of attributes, so age alone decides which go first.
 */
function oldestToShed(item: Record<string, unknown>, names: readonly string[], oldest: number, most: number): string[] {
  const byAge = names
    .map((name) => ({
      name,
      at: entry(item[name]).at,
      bytes: Buffer.byteLength(name) + Buffer.byteLength(String(item[name])),
    }))
    .sort((a, b) => a.at - b.at);
  let bytes = byAge.reduce((sum, attribute) => sum + attribute.bytes, 0);
  const shed: string[] = [];
  for (const attribute of byAge) {
    if (attribute.at >= oldest && bytes <= most) break;
    shed.push(attribute.name);
    bytes -= attribute.bytes;
  }
  return shed;
}

/**
 * Keeps a note beside a record's members: `value` under `name`, the record kept `ttlSeconds` more. One UpdateItem; a
 * note written again under its name is replaced. Every claim that reads the record answers with the notes younger than
 * its own time to live ({@link MemberHolders.notes}) and sheds the others. For what a claim must know beyond who holds
 * each member (an alert that counts some of them and may not have been queued), written rarely: the record is one
 * item of at most 400 KB.
 */
export async function noteOn(table: StateTable, key: StateKey, name: string, value: string, ttlSeconds: number) {
  const now = table.now();
  const { names, values } = touchOf(now, ttlSeconds);
  await table.client.send(
    new UpdateItemCommand({
      TableName: table.tableName,
      Key: keyAttributes(key),
      UpdateExpression:
        'SET #version = if_not_exists(#version, :zero) + :one, #expiresAt = :expiresAt, #updatedAt = :updatedAt, #note = :note',
      ExpressionAttributeNames: { ...names, '#note': `${NOTE_PREFIX}${name}` },
      ExpressionAttributeValues: toAttributes({ ...values, ':note': `${epochSeconds(now)} ${value}` }),
    }),
  );
}

/**
 * Removes what {@link membersToShed} and {@link notesToShed} say the record must shed: in a storm of thousands of
 * stops an hour a very late redelivery of a shed member may be counted again, where a record over 400 KB would refuse
 * every claim.
 */
async function compact(table: StateTable, key: StateKey, item: Record<string, unknown>, ttlSeconds: number) {
  const nowSeconds = epochSeconds(table.now());
  const shed = [...membersToShed(item, nowSeconds, ttlSeconds), ...notesToShed(item, nowSeconds, ttlSeconds)];
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
