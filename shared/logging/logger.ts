import { Logger } from '@aws-lambda-powertools/logger';

/** The one structured logger of the product; functions add their own keys per invocation. */
export const logger = new Logger({ serviceName: 'ecs-autopilot' });
