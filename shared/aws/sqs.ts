import { SQSClient } from '@aws-sdk/client-sqs';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's SQS client, created once per container and metered. */
export const sqsClient = metered(new SQSClient(awsClientOptions()), 'SQS');
