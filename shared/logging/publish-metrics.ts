import { METRICS_KEY } from '@aws-lambda-powertools/commons';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

/**
 * Publishes the metrics an invocation stored, after it or when it failed, as Powertools' `logMetrics` does, but
 * says nothing when it stored none: an invocation with nothing to count is normal for the notifier and the group
 * flush, and Powertools' "No application metrics to publish" warning on each one would only be log noise.
 */
export function publishStoredMetrics(metrics: Metrics): MiddlewareObj {
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    // Powertools' own middlewares call it when they end an invocation early (e.g. an idempotent replay).
    before: (request) => {
      request.internal = { ...request.internal, [METRICS_KEY]: publish };
    },
    after: publish,
    onError: publish,
  };
}
