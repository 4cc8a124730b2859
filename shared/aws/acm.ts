import { ACMClient } from '@aws-sdk/client-acm';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';
import type { ClientRecipe } from './place-clients.js';

/** The product's ACM client (certificate expiry), created once per container and metered. */
export const acmClient = metered(new ACMClient(awsClientOptions()), 'ACM');

/** How the same client is built for another account and region (see place-clients.ts). */
export const acmRecipe: ClientRecipe<ACMClient> = { meter: 'ACM', build: (options) => new ACMClient(options) };
