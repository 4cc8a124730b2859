import { ECSClient } from '@aws-sdk/client-ecs';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's ECS client, created once per container and metered. */
export const ecsClient = metered(new ECSClient(awsClientOptions()), 'ECS');
