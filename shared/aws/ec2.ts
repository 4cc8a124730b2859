import { EC2Client } from '@aws-sdk/client-ec2';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';
import type { ClientRecipe } from './place-clients.js';

/** The product's EC2 client (security groups, instances), created once per container and metered. */
export const ec2Client = metered(new EC2Client(awsClientOptions()), 'EC2');

/** How the same client is built for another account and region (see place-clients.ts). */
export const ec2Recipe: ClientRecipe<EC2Client> = { meter: 'EC2', build: (options) => new EC2Client(options) };
