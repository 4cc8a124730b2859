import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { auditMetricPoints } from '../executor/metrics.js';
import { emitMetricPoints, type MetricPoint } from '../logging/metrics.js';
import type { CanaryTickResult } from './react.js';

/**
 * A promoter pass as metrics, per canary: its step, a rollback, and the canary's share of the traffic after a
 * promotion (the target group whose weight rose, out of the action's total). Pure.
 */
export function canaryTickMetricPoints(results: readonly CanaryTickResult[]): MetricPoint[] {
  return results.flatMap((result) => {
    // A canary of another account is its account, region and name: same-named canaries are separate series.
    const dimensions = { Canary: result.statedAt ? `${result.statedAt}/${result.name}` : result.name };
    const points: MetricPoint[] = [...auditMetricPoints(result.audit, 'canary-promoter')];
    if (result.step !== undefined) points.push({ name: 'CanaryStep', unit: 'None', value: result.step, dimensions });
    if (result.decision === 'roll-back') points.push({ name: 'CanaryRollbacks', unit: 'Count', value: 1, dimensions });
    for (const record of result.audit) {
      if (record.outcome !== 'applied' || record.action.kind !== 'set-forward-weights') continue;
      const rising = record.action.basis[0]?.targetGroupArn;
      const total = Object.values(record.action.weights).reduce((sum, w) => sum + w, 0);
      if (rising === undefined || total === 0) continue;
      const share = Math.round((100 * (record.action.weights[rising] ?? 0)) / total);
      points.push({ name: 'CanaryWeight', unit: 'Percent', value: share, dimensions });
    }
    return points;
  });
}

/** middy middleware for the promoter: publishes each pass's canary metrics, when it has any. */
export function canaryMetrics(sink: Metrics): MiddlewareObj<unknown, CanaryTickResult[]> {
  const canaryMetricsAfter = (request: { response: CanaryTickResult[] | null | undefined }) => {
    const points = canaryTickMetricPoints(request.response ?? []);
    if (points.length === 0) return;
    emitMetricPoints(sink, points);
    // Dimensioned points are published on lines of their own: flushing nothing more only makes Powertools warn.
    if (sink.hasStoredMetrics()) sink.publishStoredMetrics();
  };
  return { after: canaryMetricsAfter };
}
