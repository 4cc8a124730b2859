import { getNumberFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { dynamodbClient } from '../aws/dynamodb.js';
import { ecsClient, ecsRecipe } from '../aws/ecs.js';
import { elbv2Client, elbv2Recipe } from '../aws/elbv2.js';
import { PlaceClients } from '../aws/place-clients.js';
import { sqsClient } from '../aws/sqs.js';
import { type Invocation, invocationLeases } from '../executor/invocation-leases.js';
import { stateStoreFromEnv } from '../lambda/decision-memory.js';
import { homeOf, loadFunctionConfig, outboxUrlFromEnv } from '../lambda/runtime.js';
import { createObservationCache, type ObservationCache } from '../services/observation-cache.js';
import { StateLedger } from '../state/index.js';
import { stopCounterFromEnv } from './crash-loop/wiring.js';
import { createHandledTaskVersions } from './handled-versions.js';
import { type QueuedBatchResult, reactToQueuedTaskStops } from './queued-batch.js';

/**
 * The task reaction as the stack wires it, read once at cold start: the config, the clients, the state table for
 * storm sweeps and the target groups' leases, the crash-loop counter, the queue's deliveries before its DLQ.
 */
export function taskStopReactionFromEnv(
  logger: Logger,
): (records: readonly SQSRecord[], invocation: Invocation) => Promise<QueuedBatchResult> {
  const config = loadFunctionConfig();
  // A dry run without a state table takes no lease and claims no sweep: it writes no state anyway.
  const store = stateStoreFromEnv(StateLedger, dynamodbClient, config.dryRun);
  const deps = {
    config,
    outboxUrl: outboxUrlFromEnv(),
    maxAttempts: getNumberFromEnv({ key: 'TASK_EVENTS_MAX_RECEIVE_COUNT', defaultValue: 3 }),
    clients: { ecs: ecsClient, elbv2: elbv2Client, sqs: sqsClient },
    ...{ logger, cache: createObservationCache(), seen: createHandledTaskVersions() },
    sweepLedger: store,
    countStops: stopCounterFromEnv(dynamodbClient, config.crashLoop),
  };
  // Events of other configured accounts and regions are acted on through their member roles.
  const places = new PlaceClients({ ecs: ecsClient, elbv2: elbv2Client }, { ecs: ecsRecipe, elbv2: elbv2Recipe });
  const clientsAt = places.at.bind(places);
  // Describe* results of the other places, kept across warm invocations like home's.
  const caches = new Map<string, ObservationCache>();
  return (records, invocation) =>
    reactToQueuedTaskStops(records, {
      ...deps,
      targetGroupLeases: store && invocationLeases(store, invocation),
      home: homeOf(invocation),
      clientsAt,
      caches,
    });
}
