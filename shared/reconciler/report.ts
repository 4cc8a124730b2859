import { createHash } from 'node:crypto';
import { targetGroupNameOf, taskIdOf } from '../aws/arn.js';
import type { ScheduledEvent } from '../events/scheduled.js';
import { type AuditRecord, auditLine, troubled } from '../executor/audit.js';
import type { Alert } from '../notify/alert.js';
import { buildAlert } from '../notify/build-alert.js';
import { inert } from '../notify/markdown.js';
import type { ReconcileFindings } from './plan.js';

/** The run's summary alert, or undefined when it fixed and found nothing worth a person's time. Pure. */
export function reconcileAlert(input: {
  event: ScheduledEvent;
  audit: AuditRecord[];
  findings: ReconcileFindings;
  /** What the sweep could not read (a configured cluster AWS does not have, a service that failed to read). */
  notSwept?: string[];
  services: Array<{ clusterName: string; serviceName: string }>;
  dryRun: boolean;
}): Alert | undefined {
  const { event, audit, findings, services, dryRun } = input;
  const notSwept = input.notSwept ?? [];
  const { unknownTargets, missingTasks } = findings;
  if (audit.length === 0 && unknownTargets.length === 0 && missingTasks.length === 0 && notSwept.length === 0) {
    return undefined;
  }
  const fixed = audit.filter((r) => r.outcome === 'applied' || r.outcome === 'dry-run').length;
  const settled = audit.filter((r) => r.outcome === 'already-done' && !r.kept?.length).length;
  const refused = audit.length - fixed - audit.filter((r) => r.outcome === 'already-done').length;
  // An orphan whose address a new task took between the sweep's read and its write: it serves that task now.
  const kept = audit.reduce((n, r) => n + (r.kept?.length ?? 0), 0);
  const parts = [
    fixed ? `orphans ${dryRun ? 'to deregister' : 'deregistered'} in ${fixed} target group(s)` : '',
    refused ? `orphans left in ${refused} target group(s)` : '',
    kept ? `${kept} orphan(s) kept: a task took their address` : '',
    settled ? `orphans already gone from ${settled} target group(s)` : '',
    unknownTargets.length ? `${unknownTargets.length} unknown target(s)` : '',
    missingTasks.length ? `${missingTasks.length} task(s) missing from their target group` : '',
    notSwept.length ? `${notSwept.length} part(s) of the config not swept` : '',
  ].filter(Boolean);
  const lines = [
    ...(notSwept.length
      ? ['*Not swept: the config and AWS disagree, or AWS could not be read:*', ...notSwept.map((n) => `• ${n}`)]
      : []),
    ...(audit.length
      ? ['*Orphan targets (their task stopped past the grace period):*', ...audit.map((r) => inert(auditLine(r)))]
      : []),
    ...(unknownTargets.length
      ? [
          '*Registered, but no task of a managed service owns them (left alone):*',
          ...unknownTargets.map((u) => `• ${u.target} in ${targetGroupNameOf(u.targetGroupArn)} (${u.state})`),
        ]
      : []),
    ...(missingTasks.length
      ? [
          '*Running, but not registered in their target group:*',
          ...missingTasks.map(
            (m) =>
              `• ${m.serviceName} task ${taskIdOf(m.taskArn).slice(0, 8)}: ${m.target} not in ${targetGroupNameOf(m.targetGroupArn)}`,
          ),
        ]
      : []),
  ];
  const day = event.time.slice(0, 10);
  const touched = [
    ...new Map(audit.map(({ action: { subject: s } }) => [`${s.clusterName}/${s.serviceName}`, s])).values(),
  ];
  const only = touched.length === 1 ? touched[0] : undefined;
  const sole = services.length === 1 ? services[0] : undefined;
  return buildAlert({
    event,
    // One thread a day per account and region; one sweep's alerts of several places are each delivered.
    incidentId: `ecs-autopilot-reconciler/${event.account}/${event.region}/${day}`,
    // Two deliveries of one schedule may sweep differently (one reads a target group the other could not): each
    // removal has a key of its own, so the outbox cannot keep another sweep's alert in its place, even one that
    // removed as many targets elsewhere; a retry that removed the same ones shares it, and the outbox drops the repeat.
    dedupKey: `ecs-autopilot-reconciler/${event.id}/${event.account}/${event.region}/${removalKey(audit)}`,
    severity: troubled(audit) ? 'critical' : 'warning',
    kind: 'reconciler/drift',
    headline: `reconciler: ${parts.join(', ')}`,
    description: lines,
    nextSteps: [
      ...(notSwept.length
        ? ['Fix ecs-autopilot.yml (or the account and region it is deployed to) so that every listed cluster exists.']
        : []),
      ...(unknownTargets.length
        ? ['Check who registered the unknown targets; deregister them by hand if they are stale.']
        : []),
      ...(missingTasks.length
        ? ["Check the service's events: ECS registers a task's target when it starts; a missing one gets no traffic."]
        : []),
    ],
    keywords: ['reconciler', 'drift'],
    scope: {
      cluster: only?.clusterName ?? sole?.clusterName ?? 'multiple',
      service: only?.serviceName ?? 'multiple',
    },
    links: touched.map((s) => ({ service: s, label: `Service ${s.clusterName}/${s.serviceName}` })),
    relatedResources: [
      ...new Set(
        audit.flatMap((r) =>
          // Stryker disable next-line ConditionalExpression,ArrayDeclaration: equivalent, the reconciler plans only deregistrations
          r.action.kind === 'deregister-targets' ? [r.action.targetGroupArn] : [],
        ),
      ),
    ],
    dryRun,
    occurredAt: new Date(Date.parse(event.time)).toISOString(),
  });
}

/**
 * What a sweep removed, in a few characters: the same targets of the same groups give the same key, whatever the
 * order; `none` when it removed nothing. Pure.
 */
export function removalKey(audit: readonly AuditRecord[]): string {
  const removed = audit
    .flatMap(({ action: a, outcome }) =>
      a.kind === 'deregister-targets' && (outcome === 'applied' || outcome === 'dry-run')
        ? [
            `${a.targetGroupArn} ${a.targets
              .map((t) => `${t.id}:${t.port}`)
              .sort()
              .join(',')}`,
          ]
        : [],
    )
    .sort();
  if (removed.length === 0) return 'none';
  // Stryker disable next-line StringLiteral: equivalent, each entry starts with `arn:` and ends with a port's digits
  return createHash('sha256').update(removed.join('\n')).digest('base64url').slice(0, 16);
}
