import type { Logger } from '@aws-lambda-powertools/logger';
import { autoScalingClient } from '../aws/application-auto-scaling.js';
import { documentClient } from '../aws/dynamodb.js';
import { ecsClient } from '../aws/ecs.js';
import { elbv2Client } from '../aws/elbv2.js';
import { sqsClient } from '../aws/sqs.js';
import type { AlarmStateChangeEvent } from '../events/alarm-state-change.js';
import {
  decisionMemoryOf,
  homeOf,
  loadFunctionConfig,
  outboxUrlFromEnv,
  stateStoreFromEnv,
} from '../lambda/runtime.js';
import { createObservationCache } from '../services/observation-cache.js';
import { type AlarmReaction, reactToAlarmStateChange } from './react.js';

/** What an invocation adds to the wiring: who it is (the lease owner) and where it runs (which events are ours). */
interface Invocation {
  awsRequestId: string;
  invokedFunctionArn: string;
}

/**
 * The alarm reaction as the stack wires it, read once at cold start: the config, the clients, the state table for
 * episodes, cooldowns and the target groups' leases (the same leases as the task path's), the alert outbox.
 */
export function alarmReactionFromEnv(
  logger: Logger,
): (event: AlarmStateChangeEvent, invocation: Invocation) => Promise<AlarmReaction> {
  const config = loadFunctionConfig();
  const outboxUrl = outboxUrlFromEnv();
  const cache = createObservationCache();
  const clients = { ecs: ecsClient, elbv2: elbv2Client, autoScaling: autoScalingClient, sqs: sqsClient };
  const store = stateStoreFromEnv(documentClient, config.dryRun);
  const state = decisionMemoryOf(store);
  return (event, invocation) =>
    reactToAlarmStateChange(event, {
      ...{ config, clients, outboxUrl, cache, state, logger },
      home: homeOf(invocation),
      targetGroupLeases: store && { store, owner: invocation.awsRequestId },
    });
}
