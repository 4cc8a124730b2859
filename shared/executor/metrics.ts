import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { emitMetricPoints, type MetricPoint } from '../logging/metrics.js';
import type { AuditRecord } from './audit.js';
import { ActionsFailedError } from './errors.js';

/** What the executor did, as metrics: targets deregistered, scale actions, tasks stopped, refusals by guardrail. Pure. */
export function auditMetricPoints(audit: readonly AuditRecord[], reaction: string): MetricPoint[] {
  const points: MetricPoint[] = [];
  const applied = audit.filter((r) => r.outcome === 'applied');
  const deregistered = applied.reduce(
    (sum, r) => sum + (r.action.kind === 'deregister-targets' ? r.action.targets.length : 0),
    0,
  );
  if (deregistered > 0) points.push({ name: 'TargetsDeregistered', unit: 'Count', value: deregistered });
  // The same count per account and region: one deployment acts in many (the total above keeps the dashboard's series).
  const byPlace = new Map<string, { Account: string; Region: string; value: number }>();
  for (const r of applied) {
    if (r.action.kind !== 'deregister-targets') continue;
    const [, , , Region = '', Account = ''] = r.action.targetGroupArn.split(':');
    const place = byPlace.get(`${Account}|${Region}`) ?? { Account, Region, value: 0 };
    byPlace.set(`${Account}|${Region}`, { ...place, value: place.value + r.action.targets.length });
  }
  for (const { Account, Region, value } of byPlace.values()) {
    points.push({ name: 'TargetsDeregistered', unit: 'Count', value, dimensions: { Account, Region } });
  }
  for (const direction of ['out', 'in'] as const) {
    // Stryker disable next-line ConditionalExpression: equivalent, no other kind of action has a direction
    const scaled = applied.filter((r) => r.action.kind === 'set-desired-count' && r.action.direction === direction);
    if (scaled.length > 0) {
      points.push({ name: 'ScaleActions', unit: 'Count', value: scaled.length, dimensions: { Direction: direction } });
    }
  }
  const stopped = applied.filter((r) => r.action.kind === 'stop-task').length;
  if (stopped > 0) points.push({ name: 'TasksStopped', unit: 'Count', value: stopped });
  if (reaction === 'reconciler' && applied.length > 0) {
    points.push({ name: 'ReconcilerFixes', unit: 'Count', value: applied.length });
  }
  const refusals = new Map<string, number>();
  // A record names a guard only when that guard blocked its action.
  for (const r of audit) if (r.guard) refusals.set(r.guard.rule, (refusals.get(r.guard.rule) ?? 0) + 1);
  for (const [rule, n] of refusals) {
    points.push({ name: 'GuardrailRefusals', unit: 'Count', value: n, dimensions: { Guardrail: rule } });
  }
  return points;
}

/**
 * middy middleware for the reactions: publishes the metrics of the reaction's audit record when it has any (an empty
 * flush only makes Powertools warn), as Powertools' `logMetrics` would flush them.
 */
export function auditMetrics(sink: Metrics, reaction: string): MiddlewareObj<unknown, { audit?: AuditRecord[] }> {
  const publish = (audit: readonly AuditRecord[]) => {
    const points = auditMetricPoints(audit, reaction);
    if (points.length === 0) return;
    emitMetricPoints(sink, points);
    // Dimensioned points are published on lines of their own: flushing nothing more only makes Powertools warn.
    if (sink.hasStoredMetrics()) sink.publishStoredMetrics();
  };
  const auditMetricsAfter = (request: { response: { audit?: AuditRecord[] } | null | undefined }) => {
    const audit = request.response?.audit;
    if (audit) publish(audit);
  };
  // An invocation failed by a failed action still did the rest: what was applied is counted.
  const auditMetricsOnError = (request: { error: unknown }) => {
    if (request.error instanceof ActionsFailedError) publish(request.error.reaction.audit);
  };
  return { after: auditMetricsAfter, onError: auditMetricsOnError };
}
