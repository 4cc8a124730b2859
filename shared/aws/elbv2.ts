import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's ELBv2 client, created once per container and metered. */
export const elbv2Client = metered(new ElasticLoadBalancingV2Client(awsClientOptions()), 'ELBv2');
