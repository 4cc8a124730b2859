import type { Logger } from '@aws-lambda-powertools/logger';
import { autoScalingClient, autoScalingRecipe } from '../aws/application-auto-scaling.js';
import { dynamodbClient } from '../aws/dynamodb.js';
import { ecsClient, ecsRecipe } from '../aws/ecs.js';
import { elbv2Client, elbv2Recipe } from '../aws/elbv2.js';
import { PlaceClients } from '../aws/place-clients.js';
import { sqsClient } from '../aws/sqs.js';
import { placeKey } from '../config/places.js';
import type { AlarmStateChangeEvent } from '../events/alarm-state-change.js';
import { type Invocation, invocationLeases } from '../executor/invocation-leases.js';
import { decisionMemoryOf, stateStoreFromEnv } from '../lambda/decision-memory.js';
import { actingPlace } from '../lambda/places.js';
import { homeOf, loadFunctionConfig, outboxUrlFromEnv } from '../lambda/runtime.js';
import { createObservationCache, type ObservationCache } from '../services/observation-cache.js';
import { StateStore } from '../state/index.js';
import { type AlarmReaction, reactToAlarmStateChange } from './react.js';

/**
 * The alarm reaction as the stack wires it, read once at cold start: the config, the clients, the state table for
 * episodes, cooldowns and the target groups' leases (the same leases as the task path's), the alert outbox.
 */
export function alarmReactionFromEnv(
  logger: Logger,
): (event: AlarmStateChangeEvent, invocation: Invocation) => Promise<AlarmReaction> {
  const config = loadFunctionConfig();
  const outboxUrl = outboxUrlFromEnv();
  const caches = new Map<string, ObservationCache>();
  const own = { ecs: ecsClient, elbv2: elbv2Client, autoScaling: autoScalingClient };
  const places = new PlaceClients(own, { ecs: ecsRecipe, elbv2: elbv2Recipe, autoScaling: autoScalingRecipe });
  const store = stateStoreFromEnv(StateStore, dynamodbClient, config.dryRun);
  const state = decisionMemoryOf(store);
  return (event, invocation) => {
    // The alarm's own account and region, through its member role there: its resources are that account's.
    const deployment = homeOf(invocation);
    const at = actingPlace(config, deployment, event);
    const clients = { ...places.at(at.reach, `alarm-${event.id}`), sqs: sqsClient };
    const cache = caches.get(placeKey(at.reach)) ?? createObservationCache();
    caches.set(placeKey(at.reach), cache);
    return reactToAlarmStateChange(event, {
      ...{ config: at.config, clients, outboxUrl, cache, state, logger },
      home: at.reach,
      deployment,
      targetGroupLeases: store && invocationLeases(store, invocation),
    });
  };
}
