import { SSMClient } from '@aws-sdk/client-ssm';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's SSM client, created once per container and metered. */
export const ssmClient = metered(new SSMClient(awsClientOptions()), 'SSM');
