import { createHash } from 'node:crypto';
import { targetGroupNameOf, taskIdOf } from '../aws/arn.js';
import type { TaskStateChangeEvent } from '../events/task-state-change.js';
import { type AuditRecord, auditLine, troubled as isTroubled } from '../executor/audit.js';
import { type Alert, type AlertSeverity, boundedIncidentId, consoleLinks } from '../notify/alert.js';
import type { StopClassification } from './classify.js';
import type { TargetGroupBatchPlan, TargetVerdict } from './plan.js';
import { taskStopAlertOf } from './report.js';

/** One task stop of a service's share of a batch, as reporting sees it. */
export interface ReportedStop {
  event: TaskStateChangeEvent;
  classification: StopClassification;
  /** Why its targets could not be named, when they could not (no address yet, container instance gone). */
  missing: string[];
}

/** What happened in one target group of the service. */
export interface TargetGroupOutcome {
  targetGroupArn: string;
  plan?: TargetGroupBatchPlan;
  audit: AuditRecord[];
  /** Set when the group could not be handled at all (busy, unreadable): the stops are retried. */
  error?: string;
}

/** Everything one service's alert for a batch is made of. */
export interface ServiceStopsReport {
  clusterName: string;
  serviceName: string;
  stops: ReportedStop[];
  outcomes: TargetGroupOutcome[];
  /** The incident window the stops fall in: one thread per service and window. */
  windowStart: string;
  dryRun: boolean;
  notes: string[];
}

/** How many task ids a storm's alert names; the count covers all of them. */
const TASKS_LISTED = 30;

const severityRank: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
const verdictWords: Record<Exclude<TargetVerdict, 'deregister'>, string> = {
  gone: 'already gone or draining',
  'owned-by-running-task': 'kept: the address now belongs to a running task',
  'kept-last': 'kept by never-empty: the last registered target of its group',
};

/** Counts by key, largest first: "72 essential container exited, 8 out of memory". */
function countsText(keys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/** How many stops the alert stands for and when the first and the last happened: grouping sums them exactly. */
function occurrencesOf(stops: readonly ReportedStop[]): NonNullable<Alert['occurrences']> {
  const times = stops
    .map(({ event }) => [event.detail.stoppingAt, event.detail.stoppedAt, event.time].map((t) => Date.parse(t ?? '')))
    .map((candidates) => new Date(candidates.find(Number.isFinite) ?? 0).toISOString())
    .sort();
  return { count: stops.length, firstAt: times[0] as string, lastAt: times.at(-1) as string };
}

/** What the automation did in each target group, one line per outcome, counts exact. */
function didLines(outcomes: readonly TargetGroupOutcome[]): string[] {
  const lines: string[] = [];
  for (const o of outcomes) {
    const group = targetGroupNameOf(o.targetGroupArn);
    if (o.error) lines.push(`• FAILED in target group ${group}: ${o.error} (retried)`);
    lines.push(...o.audit.map(auditLine));
    const others = (o.plan?.decisions ?? []).filter((d) => d.verdict !== 'deregister');
    if (others.length > 0) {
      lines.push(`• ${group}: ${countsText(others.map((d) => verdictWords[d.verdict as keyof typeof verdictWords]))}`);
    }
  }
  return lines;
}

/**
 * One alert for a service's task stops in a batch, with exact counts; undefined when nothing deserves one. Pure.
 * A single stop reads as before (one task, its evidence); several read as one incident of the service.
 */
export function serviceStopsAlert(report: ServiceStopsReport): Alert | undefined {
  const { stops, outcomes, clusterName, serviceName, dryRun } = report;
  const first = stops[0];
  if (!first) return undefined;
  const audit = outcomes.flatMap((o) => o.audit);
  const troubled = isTroubled(audit) || outcomes.some((o) => o.error);
  const incidentId = boundedIncidentId(`ecs-task-stops/${clusterName}/${serviceName}/${report.windowStart}`);
  // The stops, not their events: a stop's STOPPING and STOPPED events that each find its last target kept say it once.
  const dedupKey = createHash('sha256')
    .update(stops.map((s) => s.event.detail.taskArn).join(','))
    .update(troubled ? 'troubled' : '')
    .digest('hex');
  if (stops.length === 1) {
    const single = taskStopAlertOf({
      event: first.event,
      subject: { clusterName, serviceName, taskArn: first.event.detail.taskArn },
      classification: first.classification,
      plan: { notes: [...first.missing, ...report.notes] },
      audit,
      policy: { deregisterTargets: true, alertRoutineStops: true },
      dryRun,
    });
    const extra = didLines(
      outcomes.filter((o) => o.error || o.plan?.decisions.some((d) => d.verdict !== 'deregister')),
    );
    const description = extra.length ? `${single.description}\n${extra.join('\n')}` : single.description;
    const severity = troubled ? 'critical' : single.severity;
    return { ...single, incidentId, dedupKey, description, severity, occurrences: occurrencesOf(stops) };
  }
  const severity = stops
    .map((s) => s.classification.severity as AlertSeverity)
    .reduce((a, b) => (severityRank[b] > severityRank[a] ? b : a), troubled ? 'critical' : 'info');
  const kinds = countsText(stops.map((s) => s.classification.kind.replaceAll('-', ' ')));
  const targetGroups = outcomes.map((o) => o.targetGroupArn);
  const { region, account } = first.event;
  const missing = stops.flatMap((s) => s.missing.map((m) => `${s.event.detail.taskArn.split('/').pop()}: ${m}`));
  const ids = stops.map((s) => `\`${taskIdOf(s.event.detail.taskArn).slice(0, 8)}\``);
  const more = ids.length > TASKS_LISTED ? `, and ${ids.length - TASKS_LISTED} more` : '';
  const description = [
    `*What happened:* ${stops.length} tasks of ${serviceName} stopped (${kinds}).`,
    `*Tasks:* ${ids.slice(0, TASKS_LISTED).join(', ')}${more}.`,
    `*What ecs-autopilot did:*\n${[...didLines(outcomes), ...missing.map((m) => `• nothing for ${m}`), ...report.notes.map((n) => `• ${n}`)].join('\n') || '• nothing'}`,
  ].join('\n');
  return {
    incidentId,
    dedupKey,
    severity,
    kind: 'task-stopped/storm',
    title: `${clusterName}/${serviceName}: ${stops.length} tasks stopped (${kinds})`,
    description,
    nextSteps: troubled
      ? [
          'The automation could not finish: check the target groups below by hand, and the function logs for the audit record.',
        ]
      : ['Many tasks stopping at once points at a shared cause: a deployment, a dependency, the capacity provider.'],
    keywords: ['storm', ...new Set(stops.map((s) => s.classification.kind))],
    cluster: clusterName,
    service: serviceName,
    region,
    account,
    links: [
      { label: 'Service', url: consoleLinks.service(region, clusterName, serviceName) },
      ...targetGroups.map((arn) => ({
        label: `Target group ${targetGroupNameOf(arn)}`,
        url: consoleLinks.targetGroup(region, arn),
      })),
    ],
    relatedResources: targetGroups,
    dryRun,
    occurredAt: report.windowStart,
    occurrences: occurrencesOf(stops),
  };
}
