import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { GroupingOptions } from '../../config/notifications.js';
import { StateStore, stateTableNameFromEnv } from '../../state/index.js';
import type { GroupingWiring } from './route.js';

/**
 * Grouping as the stack wires it, read once at cold start: on when `ALERT_FLUSH_QUEUE_URL` names the flush queue (the
 * deployed stack always sets it, with `STATE_TABLE_NAME`), off for a local run that gives neither.
 */
export function groupingFromEnv(
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient },
  options: GroupingOptions,
  env: NodeJS.ProcessEnv = process.env,
): GroupingWiring | undefined {
  const flushQueueUrl = env.ALERT_FLUSH_QUEUE_URL?.trim();
  if (!flushQueueUrl) return undefined;
  const store = new StateStore({ client: clients.dynamodb, tableName: stateTableNameFromEnv() });
  return { store, sqs: clients.sqs, flushQueueUrl, options };
}
