import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's DynamoDB client, created once per container and metered. */
export const dynamodbClient = metered(new DynamoDBClient(awsClientOptions()), 'DynamoDB');
