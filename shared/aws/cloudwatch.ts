import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';
import type { ClientRecipe } from './place-clients.js';

/** The product's CloudWatch client, created once per container and metered. */
export const cloudWatchClient = metered(new CloudWatchClient(awsClientOptions()), 'CloudWatch');

/** How the same client is built for another account and region (see place-clients.ts). */
export const cloudWatchRecipe: ClientRecipe<CloudWatchClient> = {
  meter: 'CloudWatch',
  build: (options) => new CloudWatchClient(options),
};
