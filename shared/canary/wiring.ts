import type { Logger } from '@aws-lambda-powertools/logger';
import { autoScalingClient, autoScalingRecipe } from '../aws/application-auto-scaling.js';
import { cloudWatchClient, cloudWatchRecipe } from '../aws/cloudwatch.js';
import { dynamodbClient } from '../aws/dynamodb.js';
import { ecsClient, ecsRecipe } from '../aws/ecs.js';
import { elbv2Client, elbv2Recipe } from '../aws/elbv2.js';
import { PlaceClients } from '../aws/place-clients.js';
import { sqsClient } from '../aws/sqs.js';
import type { PromoterEvent } from '../events/canary-promoter.js';
import { homeOf, loadFunctionConfig, outboxUrlFromEnv } from '../lambda/runtime.js';
import { StateStore, stateTableNameFromEnv } from '../state/index.js';
import { tickCanariesEveryPlace, tickCanariesGatedByAlarm } from './every-place.js';
import type { CanaryTickResult } from './react.js';

/**
 * The promoter as the stack wires it, read once at cold start: the config, the state table, home's clients and
 * every other place's through its member role. A pass returns every place's ticks, home's first.
 */
export function promoterFromEnv(
  logger: Logger,
): (event: PromoterEvent, invocation: { invokedFunctionArn: string }) => Promise<CanaryTickResult[]> {
  const config = loadFunctionConfig();
  const outboxUrl = outboxUrlFromEnv();
  const store = new StateStore({ client: dynamodbClient, tableName: stateTableNameFromEnv() });
  const own = { elbv2: elbv2Client, ecs: ecsClient, cloudwatch: cloudWatchClient, autoScaling: autoScalingClient };
  const recipes = { elbv2: elbv2Recipe, ecs: ecsRecipe, cloudwatch: cloudWatchRecipe, autoScaling: autoScalingRecipe };
  const places = new PlaceClients(own, recipes);
  const clientsAt = places.at.bind(places);
  return async (event, invocation) => {
    const deps = { config, store, outboxUrl, logger, clients: { ...own, sqs: sqsClient }, clientsAt };
    const home = homeOf(invocation);
    if (event['detail-type'] === 'CloudWatch Alarm State Change')
      return tickCanariesGatedByAlarm({ ...deps, home }, event);
    const { atHome, elsewhere } = await tickCanariesEveryPlace({ ...deps, home }, event);
    return [...atHome, ...elsewhere.flatMap((place) => place.run ?? [])];
  };
}
