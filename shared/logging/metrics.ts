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

/** The product's metrics, written as CloudWatch embedded metric format lines in the function's log. */
export const metrics = new Metrics({ namespace: 'ecs-autopilot', serviceName: 'ecs-autopilot' });

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

/**
 * Counts alerts that could be neither queued nor kept for a retry (SQS and the state table failing at once): lost to
 * chat, not to the operators. `AlertsLost` carries the service dimension alone, so one alarm watches every function
 * (`alerts-lost`, deploy/resources/self-alarms.yml), and is published at once, so a failing invocation keeps it. The
 * path it takes (the log stream, CloudWatch, the operations topic) needs neither of the two that failed.
 */
export function countLostAlerts(count = 1): void {
  metrics.singleMetric().addMetric('AlertsLost', MetricUnit.Count, count);
}

/** One metric value to publish; with dimensions it is published on its own, beside the function's other metrics. */
export interface MetricPoint {
  name: string;
  value: number;
  unit: 'Count' | 'None' | 'Percent';
  dimensions?: Record<string, string>;
}

/** Publishes metric points through Powertools Metrics (flushed by its middleware at the end of the invocation). */
export function emitMetricPoints(sink: Metrics, points: MetricPoint[]): void {
  for (const point of points) {
    if (!point.dimensions) {
      sink.addMetric(point.name, point.unit, point.value);
      continue;
    }
    const single = sink.singleMetric();
    for (const [name, value] of Object.entries(point.dimensions)) single.addDimension(name, value);
    single.addMetric(point.name, point.unit, point.value);
  }
}

/** The canary's position and its rollbacks, for the controller to publish after each step. Pure. */
export function canaryMetricPoints(canary: {
  cluster: string;
  service: string;
  weight: number;
  step: number;
  rolledBack: boolean;
}): MetricPoint[] {
  const dimensions = { Canary: `${canary.cluster}/${canary.service}` };
  return [
    { name: 'CanaryWeight', unit: 'Percent', value: canary.weight, dimensions },
    { name: 'CanaryStep', unit: 'None', value: canary.step, dimensions },
    ...(canary.rolledBack ? [{ name: 'CanaryRollbacks', unit: 'Count' as const, value: 1, dimensions }] : []),
  ];
}
