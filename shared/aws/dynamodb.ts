import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's DynamoDB client, created once per container and metered. */
export const dynamodbClient = metered(new DynamoDBClient(awsClientOptions()), 'DynamoDB');

/** The same client speaking plain JavaScript values; `undefined` attributes are left out rather than refused. */
export const documentClient = DynamoDBDocumentClient.from(dynamodbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
