import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureStateTable, StateError } from '#shared/state/index.js';

// The calls' shape only: what moto answers is covered by the state store's integration tests.
const dynamodb = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const mock = mockClient(dynamodb);
const TABLE = 'ecs-autopilot-dev-state';

describe('Function: ensureStateTable', () => {
  beforeEach(() => {
    mock.reset();
    mock.on(CreateTableCommand).resolves({});
    mock.on(DescribeTableCommand).resolves({ Table: { TableName: TABLE, TableStatus: 'ACTIVE' } });
    mock.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    mock.on(UpdateTimeToLiveCommand).resolves({});
  });

  it('creates the table as serverless.yml declares it: string keys, on demand, encrypted, expiring by expiresAt', async () => {
    // Act
    await ensureStateTable(dynamodb, TABLE);

    // Assess
    expect(mock.commandCalls(CreateTableCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true },
    });
    expect(mock.commandCalls(UpdateTimeToLiveCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: TABLE, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } },
    ]);
    for (const Command of [DescribeTableCommand, DescribeTimeToLiveCommand]) {
      expect(mock.commandCalls(Command).map((c) => c.args[0].input)).toContainEqual({ TableName: TABLE });
      expect(mock.commandCalls(Command).every((c) => c.args[0].input.TableName === TABLE)).toBe(true);
    }
  });

  it('leaves an enabled TTL alone, and enables one DynamoDB says nothing about', async () => {
    // Prepare
    mock.on(DescribeTimeToLiveCommand).resolvesOnce({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED' } });

    // Act
    await ensureStateTable(dynamodb, TABLE);
    const afterEnabled = mock.commandCalls(UpdateTimeToLiveCommand).length;
    mock.on(DescribeTimeToLiveCommand).resolves({});
    await ensureStateTable(dynamodb, TABLE);

    // Assess
    expect(afterEnabled).toBe(0);
    expect(mock.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(1);
  });

  it('takes a table that exists already, and leaves a TTL being enabled alone', async () => {
    // Prepare
    mock.on(CreateTableCommand).rejects(new ResourceInUseException({ message: 'Table exists', $metadata: {} }));
    mock.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLING' } });

    // Act
    await ensureStateTable(dynamodb, TABLE);

    // Assess
    expect(mock.commandCalls(DescribeTableCommand).length).toBeGreaterThan(0);
    expect(mock.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
  });

  it('fails on any other refusal to create the table', async () => {
    // Prepare
    const denied = Object.assign(new Error('not authorized to perform dynamodb:CreateTable'), {
      name: 'AccessDeniedException',
    });
    mock.on(CreateTableCommand).rejects(denied);

    // Act & Assess
    await expect(ensureStateTable(dynamodb, TABLE)).rejects.toThrow('dynamodb:CreateTable');
    expect(mock.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
  });

  it('says to wait and retry when the table exists but is not active yet', async () => {
    // Prepare: active when the waiter looked, being updated when read again
    mock
      .on(DescribeTableCommand)
      .resolvesOnce({ Table: { TableName: TABLE, TableStatus: 'ACTIVE' } })
      .resolves({ Table: { TableName: TABLE, TableStatus: 'UPDATING' } });

    // Act
    const ensured = ensureStateTable(dynamodb, TABLE);

    // Assess
    await expect(ensured).rejects.toBeInstanceOf(StateError);
    await expect(ensured).rejects.toThrow(`state table ${TABLE} is UPDATING: wait until it is ACTIVE, then retry`);
    expect(mock.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
  });

  it('refuses, saying so, when DynamoDB describes no table after the wait', async () => {
    // Prepare
    mock
      .on(DescribeTableCommand)
      .resolvesOnce({ Table: { TableName: TABLE, TableStatus: 'ACTIVE' } })
      .resolves({});

    // Act & Assess
    await expect(ensureStateTable(dynamodb, TABLE)).rejects.toThrow(`state table ${TABLE} is undefined`);
  });
});
