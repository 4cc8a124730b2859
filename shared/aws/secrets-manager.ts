import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { metered } from './call-meter.js';
import { awsClientOptions } from './options.js';

/** The product's Secrets Manager client, created once per container and metered. */
export const secretsManagerClient = metered(new SecretsManagerClient(awsClientOptions()), 'SecretsManager');
