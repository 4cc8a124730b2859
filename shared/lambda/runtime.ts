import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { type CallMeter, awsCalls as defaultMeter } from '../aws/call-meter.js';
import { functionConfigSource } from '../config/function-config.js';
import { applyEnvOverrides } from '../config/overrides.js';
import type { AutopilotConfig } from '../config/schema.js';
import { MissingSettingError } from '../errors.js';

/** The config every function loads at cold start, with operator overrides from the environment. */
export function loadFunctionConfig(): AutopilotConfig {
  return applyEnvOverrides(functionConfigSource());
}

/** The account (from the function's own ARN) and region this deployment manages. */
export function homeOf(context: { invokedFunctionArn: string }): { account: string; region: string } {
  const [, , , region, account] = context.invokedFunctionArn.split(':');
  return { account: account ?? '', region: process.env.AWS_REGION ?? region ?? '' };
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
