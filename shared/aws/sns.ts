import { SNSClient } from '@aws-sdk/client-sns';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's SNS client, created once per container and metered. */
export const snsClient = metered(new SNSClient(awsClientOptions()), 'SNS');
