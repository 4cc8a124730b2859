import { SQSClient } from '@aws-sdk/client-sqs';
import type { canaryDriver } from '#local/canary-driver.js';
import { type CanaryWorld, canaryClients } from '#local/canary-world.js';
import type { MotoProxy } from '#local/moto-proxy.js';
import type { CanaryTickDeps } from '#shared/canary/react.js';
import { logger } from '#shared/logging/logger.js';

/**
 * The promoter's dependencies as the function has them, through `proxy`: the world's outbox, and an SQS client that
 * tries each send once, so that a refusal the proxy injects is the send's answer.
 */
export function functionDeps(
  proxy: MotoProxy,
  world: CanaryWorld,
  driver: ReturnType<typeof canaryDriver>,
): CanaryTickDeps {
  const sqs = new SQSClient({
    endpoint: proxy.endpoint,
    region: world.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    config: driver.config,
    clients: { ...canaryClients(proxy.endpoint), sqs },
    store: driver.store,
    logger,
    region: world.region,
    ...(world.outboxQueueUrl && { outboxUrl: world.outboxQueueUrl }),
  };
}
