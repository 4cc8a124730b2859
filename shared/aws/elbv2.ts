import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';
import type { ClientRecipe } from './place-clients.js';

/** The product's ELBv2 client, created once per container and metered. */
export const elbv2Client = metered(new ElasticLoadBalancingV2Client(awsClientOptions()), 'ELBv2');

/** How the same client is built for another account and region (see place-clients.ts). */
export const elbv2Recipe: ClientRecipe<ElasticLoadBalancingV2Client> = {
  meter: 'ELBv2',
  build: (options) => new ElasticLoadBalancingV2Client(options),
};
