import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { keyAttributes } from './attributes.js';
import { isConditionFailure, LeaseLostError, StateConflictError } from './errors.js';
import { ATTR, describeKey, expiryAfter, type StateKey } from './records.js';
import { type StateTable, writeConditionally } from './write.js';

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

/** The lease `owner` just took on `key`: release and renew are conditional on still being its owner. */
export function heldLease(table: StateTable, key: StateKey, owner: string, expiresAt: number): Lease {
  const lease: Lease = {
    key,
    owner,
    expiresAt,
    release: async () => {
      try {
        await table.client.send(
          new DeleteItemCommand({
            TableName: table.tableName,
            Key: keyAttributes(key),
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': ATTR.owner },
            ExpressionAttributeValues: { ':owner': { S: owner } },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
    renew: async (ttlSeconds: number) => {
      const now = table.now();
      const renewed = expiryAfter(now, ttlSeconds);
      try {
        await writeConditionally(table, key, {
          set: { [ATTR.expiresAt]: renewed },
          // Stryker disable next-line ArrayDeclaration: equivalent, removing an attribute the record never has changes nothing
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
