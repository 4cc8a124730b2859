import { ECSClient } from '@aws-sdk/client-ecs';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';
import type { ClientRecipe } from './place-clients.js';

/** The product's ECS client, created once per container and metered. */
export const ecsClient = metered(new ECSClient(awsClientOptions()), 'ECS');

/** How the same client is built for another account and region (see place-clients.ts). */
export const ecsRecipe: ClientRecipe<ECSClient> = { meter: 'ECS', build: (options) => new ECSClient(options) };
