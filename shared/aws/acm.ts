import { ACMClient } from '@aws-sdk/client-acm';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's ACM client (certificate expiry), created once per container and metered. */
export const acmClient = metered(new ACMClient(awsClientOptions()), 'ACM');
