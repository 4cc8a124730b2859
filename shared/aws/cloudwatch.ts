import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's CloudWatch client, created once per container and metered. */
export const cloudWatchClient = metered(new CloudWatchClient(awsClientOptions()), 'CloudWatch');
