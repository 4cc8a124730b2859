import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj } from '@middy/core';
import { type CallMeter, awsCalls as defaultMeter } from '../aws/call-meter.js';
import { functionConfigSource } from '../config/function-config.js';
import { applyEnvOverrides } from '../config/overrides.js';
import type { AutopilotConfig } from '../config/schema.js';
import { MissingSettingError } from '../errors.js';
import { StateError, StateStore, stateTableNameFromEnv } from '../state/index.js';

/** The config every function loads at cold start, with operator overrides from the environment. */
export function loadFunctionConfig(): AutopilotConfig {
  return applyEnvOverrides(functionConfigSource());
}

/** The account (from the function's own ARN) and region this deployment manages. */
export function homeOf(context: { invokedFunctionArn: string }): { account: string; region: string } {
  const [, , , region, account] = context.invokedFunctionArn.split(':');
  return { account: account ?? '', region: process.env.AWS_REGION ?? region ?? '' };
}

/** Where a function records its decisions: the state table, or, for a dry run without one, an empty memory. */
export type DecisionMemory = Pick<StateStore, 'get' | 'create'>;

/** Nothing recorded and nothing to record: what a dry run replayed away from the stack remembers. */
const emptyMemory: DecisionMemory = {
  get: async () => undefined,
  create: async () => {
    throw new StateError('a dry run records nothing in the state table');
  },
};

/**
 * The state table a function keeps its decisions and leases in (STATE_TABLE_NAME, required); none only for a dry run
 * without one, a replay on a workstation: it changes nothing, so it has nothing to remember or serialize.
 */
export function stateStoreFromEnv(client: DynamoDBDocumentClient, dryRun: boolean): StateStore | undefined {
  if (dryRun && !process.env.STATE_TABLE_NAME) return undefined;
  return new StateStore({ client, tableName: stateTableNameFromEnv() });
}

/** Where a function records its decisions: the state table, or, for a dry run without one, an empty memory. */
export function decisionMemoryOf(store: StateStore | undefined): DecisionMemory {
  return store ?? emptyMemory;
}

/** The alert outbox queue every reaction reports through. */
export function outboxUrlFromEnv(): string {
  const message = 'ALERT_OUTBOX_URL (the alert outbox queue) is required';
  const url = getStringFromEnv({ key: 'ALERT_OUTBOX_URL', errorMessage: message });
  if (url === '') throw new MissingSettingError(message);
  return url;
}

const defaults = { meter: defaultMeter };

/**
 * middy middleware for every reaction: counts the AWS calls of each invocation and logs them, and logs a failure
 * (which Lambda then retries, and finally sends to the DLQ) with its cause.
 */
export function logAwsCallsAndFailures(logger: Logger, opts: Partial<typeof defaults> = {}): MiddlewareObj {
  const { meter } = { ...defaults, ...opts } as { meter: CallMeter };
  const logAwsCallsAndFailuresBefore = () => {
    meter.reset();
  };
  const logAwsCallsAndFailuresAfter = () => {
    logger.info('aws calls', { awsCalls: meter.snapshot(), total: meter.total() });
  };
  const logAwsCallsAndFailuresOnError = (request: { error: unknown }) => {
    logger.error('reaction failed; Lambda retries it, then sends the event to the DLQ', { error: request.error });
    logAwsCallsAndFailuresAfter();
  };
  return {
    before: logAwsCallsAndFailuresBefore,
    after: logAwsCallsAndFailuresAfter,
    onError: logAwsCallsAndFailuresOnError,
  };
}
