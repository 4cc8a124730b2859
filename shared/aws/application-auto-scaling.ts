import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's Application Auto Scaling client, created once per container and metered. */
export const autoScalingClient = metered(new ApplicationAutoScalingClient(awsClientOptions()), 'AutoScaling');
