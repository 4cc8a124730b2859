import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CrashLoopOptions } from '../../config/notifications.js';
import { StateLedger } from '../../state/index.js';
import { type CrashLoopNotice, countServiceStops, type ServiceStops } from './hook.js';

/**
 * The crash-loop counter as the stack wires it, read once at cold start: on when `STATE_TABLE_NAME` names the state
 * table (the deployed stack sets it for every function), off for a local run without one.
 */
export function stopCounterFromEnv(
  dynamodb: DynamoDBClient,
  options: CrashLoopOptions,
  env: NodeJS.ProcessEnv = process.env,
): ((stops: ServiceStops) => Promise<CrashLoopNotice[]>) | undefined {
  const tableName = env.STATE_TABLE_NAME?.trim();
  if (!tableName || !options.enabled) return undefined;
  const store = new StateLedger({ client: dynamodb, tableName });
  return (stops) => countServiceStops(store, stops, options);
}
