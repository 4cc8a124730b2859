import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';
import type { ClientRecipe } from './place-clients.js';

/** The product's Application Auto Scaling client, created once per container and metered. */
export const autoScalingClient = metered(new ApplicationAutoScalingClient(awsClientOptions()), 'AutoScaling');

/** How the same client is built for another account and region (see place-clients.ts). */
export const autoScalingRecipe: ClientRecipe<ApplicationAutoScalingClient> = {
  meter: 'AutoScaling',
  build: (options) => new ApplicationAutoScalingClient(options),
};
