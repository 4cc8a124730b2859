import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Why an event was not acted on, as the `EventsIgnored` metric's `reason` dimension names it. */
export type IgnoredReason =
  | 'foreign'
  | 'stale'
  | 'future-dated'
  | 'not-a-transition'
  | 'no-matching-rule'
  | 'not-managed'
  | 'not-alerted';

/** The counts an operator graphs and alarms on, beside the logs: what was dropped without a word to chat. */
export interface EventMetrics {
  ignored(reason: IgnoredReason): void;
}

const metrics = new Metrics({ namespace: 'ecs-autopilot', serviceName: 'ecs-autopilot' });

/**
 * The metrics of one function, written as CloudWatch embedded metric format on its log stream (no API call, no
 * permission): `EventsIgnored` by `function` and `reason`, published at once so a failing invocation keeps it.
 */
export function eventMetrics(functionName: string): EventMetrics {
  return {
    ignored(reason) {
      const single = metrics.singleMetric();
      single.addDimensions({ function: functionName, reason });
      single.addMetric('EventsIgnored', MetricUnit.Count, 1);
    },
  };
}
