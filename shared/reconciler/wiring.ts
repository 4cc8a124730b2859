import type { Logger } from '@aws-lambda-powertools/logger';
import { dynamodbClient } from '../aws/dynamodb.js';
import { ecsClient, ecsRecipe } from '../aws/ecs.js';
import { elbv2Client, elbv2Recipe } from '../aws/elbv2.js';
import { PlaceClients } from '../aws/place-clients.js';
import { sqsClient } from '../aws/sqs.js';
import type { ScheduledEvent } from '../events/scheduled.js';
import { type Invocation, invocationLeases } from '../executor/invocation-leases.js';
import { stateStoreFromEnv } from '../lambda/decision-memory.js';
import { homeOf, loadFunctionConfig, outboxUrlFromEnv } from '../lambda/runtime.js';
import { createObservationCache, type ObservationCache } from '../services/observation-cache.js';
import { StateStore } from '../state/index.js';
import { type ReconcileEverywhere, reconcileEveryPlace } from './every-place.js';

/**
 * The sweep as the stack wires it, read once at cold start: the config, the clients of every place, and the state
 * table for the target groups' leases, the same as the task and alarm paths take, so that an orphan removed by a
 * sweep and a target removed by a task stop or an alarm at the same moment are judged one after the other.
 */
export function reconcileFromEnv(
  logger: Logger,
): (event: ScheduledEvent, invocation: Invocation) => Promise<ReconcileEverywhere> {
  const config = loadFunctionConfig();
  const outboxUrl = outboxUrlFromEnv();
  const cache = createObservationCache();
  const clients = { ecs: ecsClient, elbv2: elbv2Client, sqs: sqsClient };
  const places = new PlaceClients({ ecs: ecsClient, elbv2: elbv2Client }, { ecs: ecsRecipe, elbv2: elbv2Recipe });
  const clientsAt = places.at.bind(places);
  // Describe* results of the other places, kept across warm invocations like home's.
  const caches = new Map<string, ObservationCache>();
  // A dry run without a state table takes no lease: it changes nothing, so it has nothing to serialize.
  const store = stateStoreFromEnv(StateStore, dynamodbClient, config.dryRun);
  return (event, invocation) =>
    reconcileEveryPlace(event, {
      ...{ config, clients, outboxUrl, cache, logger, clientsAt, caches },
      home: homeOf(invocation),
      targetGroupLeases: store && invocationLeases(store, invocation),
      ...(store && { waitingAlerts: store }),
    });
}
