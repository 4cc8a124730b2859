import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { StateLedger } from '#shared/state/index.js';

/** The state table `tableName` behind `endpoint`: ledgers whose clock a test moves, and the raw items they wrote. */
export function ledgerOnMoto(endpoint: string, tableName: string) {
  const dynamodb = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  /** A ledger at `start`; `advance` moves its clock by whole seconds. */
  const ledgerAt = (start = new Date('2026-11-26T10:00:00Z')) => {
    let now = start;
    const store = new StateLedger({ client: dynamodb, tableName, now: () => now });
    return { store, advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)) };
  };
  /** The item as stored, read strongly consistent; `undefined` when there is none. */
  const rawItem = async (key: { pk: string; sk: string }) => {
    const out = await dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }),
    );
    return out.Item && unmarshall(out.Item);
  };
  return { dynamodb, ledgerAt, rawItem };
}

/** Epoch seconds of an ISO time, as the table stores expiry. */
export const epoch = (iso: string) => Date.parse(iso) / 1000;

/** `n` state keys, one per service of cluster prod (`web-0`, `web-1`, …), each naming the record `sk`. */
export const serviceKeys = (n: number, sk: string) =>
  Array.from({ length: n }, (_, i) => ({ pk: `service/prod/web-${i}`, sk }));
