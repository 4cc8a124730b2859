import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { MissingSettingError } from '../errors.js';
import { StateError } from './errors.js';
import { ATTR } from './records.js';

/** The state table's name from `STATE_TABLE_NAME`; throws, naming the variable, when it is missing or empty. */
export function stateTableNameFromEnv(): string {
  const message = 'STATE_TABLE_NAME (the durable state table) is required';
  const name = getStringFromEnv({ key: 'STATE_TABLE_NAME', errorMessage: message });
  if (name === '') throw new MissingSettingError(message);
  return name;
}

/**
 * Creates the state table as `serverless.yml` declares it (keys, on-demand, TTL on `expiresAt`) unless it exists,
 * and waits until it is active. For local setups and tests; deployed stacks get theirs from CloudFormation.
 */
export async function ensureStateTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: ATTR.pk, AttributeType: 'S' },
          { AttributeName: ATTR.sk, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: ATTR.pk, KeyType: 'HASH' },
          { AttributeName: ATTR.sk, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
  const table = await client.send(new DescribeTableCommand({ TableName: name }));
  if (table.Table?.TableStatus !== 'ACTIVE') {
    throw new StateError(`state table ${name} is ${table.Table?.TableStatus}: wait until it is ACTIVE, then retry`);
  }
  // DynamoDB refuses to enable TTL that is already enabled.
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: ATTR.expiresAt, Enabled: true },
    }),
  );
}
