import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ATTR } from './records.js';

/**
 * Powertools Idempotency records kept in the state table: one partition per use (`partition`), the idempotency key
 * as sort key, and the expiry in `expiresAt`, so the table's TTL removes them as it removes the store's records.
 */
export function idempotencyRecords(client: DynamoDBClient, tableName: string, partition: string) {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: ATTR.pk,
    sortKeyAttr: ATTR.sk,
    staticPkValue: partition,
    expiryAttr: ATTR.expiresAt,
  });
}
