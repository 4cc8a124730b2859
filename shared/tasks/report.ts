import { taskDefinitionOf, taskIdOf } from '../aws/arn.js';
import type { TaskFailurePolicy } from '../config/schema.js';
import type { TaskStateChangeEvent } from '../events/task-state-change.js';
import { type AuditRecord, auditLine, troubled as isTroubled } from '../executor/audit.js';
import type { Alert, AlertSeverity } from '../notify/alert.js';
import { buildAlert } from '../notify/build-alert.js';
import { inert } from '../notify/markdown.js';
import type { StopClassification, StopKind } from './classify.js';

import type { TaskSubject } from './screen.js';

const nextStepsByKind: Partial<Record<StopKind, string[]>> = {
  'out-of-memory': [
    'Raise the memory limit of the container in the task definition, or find what grew: Container Insights shows MemoryUtilized per task.',
    'Check whether the crash repeats: several OOM kills in a row mean every new task will die the same way.',
  ],
  'health-check-failed': [
    "Compare the target group's health check (path, port, thresholds) with what the app serves, and its startup time with the service's healthCheckGracePeriodSeconds.",
    'Read the last application logs of the task before it was stopped.',
  ],
  'image-pull-failed': [
    'Check that the image and tag exist, and that the task execution role may pull them (ECR policy, KMS).',
    'Check the route to the registry: NAT gateway or VPC endpoints for ECR and S3.',
  ],
  'failed-to-start': [
    'Check that the task execution role may read every secret and parameter the task definition names.',
    'Check the route to Secrets Manager / SSM (VPC endpoints or NAT).',
  ],
  'spot-interruption': [
    'ECS replaces the task on its own. If interruptions pile up, give the capacity provider strategy an on-demand base.',
  ],
  'essential-container-exited': [
    "Read the container's last log lines: the exit code says how it ended.",
    'If the task definition changed recently, consider rolling back the deployment.',
  ],
  unknown: ['Open the stopped task in the console for its full stop reason.'],
};

const lateStatuses = new Set(['STOPPING', 'DEPROVISIONING', 'STOPPED']);

/** Everything reporting decides from. */
export interface TaskStopReport {
  event: TaskStateChangeEvent;
  subject: TaskSubject;
  classification: StopClassification;
  /** Why nothing was done, when nothing was. */
  plan: { notes: string[] };
  audit: AuditRecord[];
  policy: TaskFailurePolicy;
  dryRun: boolean;
}

/**
 * The alert for a task stop, or undefined when it deserves a log line only. Pure.
 * Alerted: failures of the automation and guardrail refusals, always; non-routine stops on the event that first
 * reports them (a later event of the same stop alerts only if it found work the earlier one did not do).
 */
export function taskStopAlert(report: TaskStopReport): Alert | undefined {
  const { event, classification, audit, policy } = report;
  const task = event.detail;
  const acted = audit.some((r) => r.outcome === 'applied' || r.outcome === 'dry-run');
  if (!isTroubled(audit)) {
    if (classification.routine && !policy.alertRoutineStops) return undefined;
    const late = lateStatuses.has(task.lastStatus) && task.startedAt !== undefined;
    if (late && !acted) return undefined;
  }
  return taskStopAlertOf(report);
}

/** The alert for a task stop, whether or not it deserves one (the caller has judged that). Pure. */
export function taskStopAlertOf(report: TaskStopReport): Alert {
  const { event, subject, classification, plan, audit, dryRun } = report;
  const task = event.detail;
  const troubled = isTroubled(audit);
  const targetGroups = audit.flatMap((r) => (r.action.kind === 'deregister-targets' ? [r.action.targetGroupArn] : []));
  const severity: AlertSeverity = troubled ? 'critical' : classification.severity;
  const taskId = taskIdOf(subject.taskArn);
  const did = audit.length ? audit.map((r) => inert(auditLine(r))) : plan.notes.map((n) => `• nothing: ${inert(n)}`);
  const family = task.taskDefinitionArn ? taskDefinitionOf(task.taskDefinitionArn) : 'unknown';
  const description = [
    // The summary quotes the task's stop reason and its containers' reasons, which anyone who can stop a task writes.
    `*What happened:* ${inert(classification.summary.replace(/\.+$/, ''))}.`,
    `*Task:* \`${taskId}\` (${task.launchType ?? 'unknown launch type'}, task definition \`${family}\`), last status ${task.lastStatus}${task.stopCode ? `, stop code ${task.stopCode}` : ''}.`,
    `*What ecs-autopilot did:*\n${did.join('\n') || '• nothing'}`,
  ];
  const failedSteps = troubled
    ? [
        'The automation could not finish: check the target groups below by hand, and the function logs for the audit record.',
      ]
    : [];
  return buildAlert({
    event,
    incidentId: `ecs-task-stop/${subject.clusterName}/${taskId}`,
    severity,
    kind: `task-stopped/${classification.kind}`,
    service: subject,
    headline: `task ${taskId.slice(0, 8)} stopped (${classification.kind.replaceAll('-', ' ')})`,
    description,
    nextSteps: [...failedSteps, ...(nextStepsByKind[classification.kind] ?? [])],
    keywords: [classification.kind, ...(task.stopCode ? [task.stopCode] : [])],
    links: [{ task: subject }, { service: subject }, ...targetGroups.map((arn) => ({ targetGroup: arn }))],
    relatedResources: [subject.taskArn, ...targetGroups],
    dryRun,
    occurredAt: task.stoppingAt ?? task.stoppedAt ?? event.time,
  });
}
