import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StateLedger } from '#shared/state/index.js';

/**
 * The state tests' DynamoDB client: through `endpoint`, the proxy in front of moto (which makes moto's conditional
 * writes atomic per request, as DynamoDB's are), one attempt per call.
 */
export function stateClient(endpoint: string): DynamoDBClient {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** A state ledger on `tableName` whose clock the test moves, from `start`. */
export function ledgerOnClock(dynamodb: DynamoDBClient, tableName: string, start = new Date('2026-11-26T10:00:00Z')) {
  let now = start;
  const store = new StateLedger({ client: dynamodb, tableName, now: () => now });
  return { store, advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)) };
}
