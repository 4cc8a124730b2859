import { EC2Client } from '@aws-sdk/client-ec2';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's EC2 client (security groups, instances), created once per container and metered. */
export const ec2Client = metered(new EC2Client(awsClientOptions()), 'EC2');
