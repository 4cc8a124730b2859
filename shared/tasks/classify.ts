import type { TaskDetail } from '../events/task-state-change.js';

/** Why a task stopped, in the words an on-call engineer uses. */
export type StopKind =
  | 'out-of-memory'
  | 'health-check-failed'
  | 'image-pull-failed'
  | 'failed-to-start'
  | 'spot-interruption'
  | 'essential-container-exited'
  | 'user-initiated'
  | 'scale-in'
  | 'deployment-replacement'
  | 'infrastructure-maintenance'
  | 'unknown';

export type Severity = 'critical' | 'warning' | 'info';

export interface StopClassification {
  kind: StopKind;
  severity: Severity;
  /** Routine stops are part of normal operation and are logged rather than alerted by default. */
  routine: boolean;
  /** One line a person can read: what happened, with the evidence that says so. */
  summary: string;
  /** The container that caused the stop, when one did. */
  container?: { name: string; exitCode?: number; reason?: string };
}

const routineKinds = new Set<StopKind>([
  'user-initiated',
  'scale-in',
  'deployment-replacement',
  'infrastructure-maintenance',
]);

const severityOf: Record<StopKind, Severity> = {
  'out-of-memory': 'critical',
  'health-check-failed': 'critical',
  'image-pull-failed': 'critical',
  'failed-to-start': 'critical',
  'essential-container-exited': 'critical',
  'spot-interruption': 'warning',
  unknown: 'warning',
  'user-initiated': 'info',
  'scale-in': 'info',
  'deployment-replacement': 'info',
  'infrastructure-maintenance': 'info',
};

function result(kind: StopKind, summary: string, container?: StopClassification['container']): StopClassification {
  return { kind, severity: severityOf[kind], routine: routineKinds.has(kind), summary, container };
}

function describeContainer(c: { name: string; exitCode?: number; reason?: string }): string {
  const parts = [c.exitCode === undefined ? undefined : `exit code ${c.exitCode}`, c.reason].filter(Boolean);
  return parts.length ? `${c.name} (${parts.join(', ')})` : c.name;
}

/** The deployment id in "Scaling activity initiated by (deployment ecs-svc/123)". */
function deploymentInReason(reason: string): string | undefined {
  return /\(deployment ([^)\s]+)\)/.exec(reason)?.[1];
}

/**
 * The container whose exit stopped the task. ECS stops the others with SIGTERM (143) and, past the stop timeout,
 * SIGKILL (137), so a failure code other than those is the strongest evidence, then 137, then 143.
 */
function culpritContainer(containers: TaskDetail['containers']): TaskDetail['containers'][number] | undefined {
  const failed = containers.filter((c) => c.exitCode !== undefined && c.exitCode !== 0);
  return (
    failed.find((c) => c.exitCode !== 137 && c.exitCode !== 143) ??
    failed.find((c) => c.exitCode === 137) ??
    failed[0] ??
    containers[0]
  );
}

/** An essential container's exit told by the reason text, or, with no reason at all, by a failing exit code. */
function essentialExitWithoutCode(task: TaskDetail): boolean {
  if (/Essential container in task exited/i.test(task.stoppedReason ?? '')) return true;
  return !task.stoppedReason && task.containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0);
}

/**
 * Classifies a stop from `stopCode`, `stoppedReason` and the containers' exit codes and reasons.
 * Pure: the same task detail always gives the same answer.
 */
export function classifyStop(task: TaskDetail): StopClassification {
  const reason = task.stoppedReason ?? '';
  const code = task.stopCode ?? '';
  const oom = task.containers.find((c) => /OutOfMemory/i.test(c.reason ?? ''));
  if (oom) return result('out-of-memory', `${describeContainer(oom)} was killed for exceeding its memory limit`, oom);

  if (
    /CannotPullContainer|pull image manifest|ImagePull/i.test(reason) ||
    task.containers.some((c) => /CannotPullContainer/i.test(c.reason ?? ''))
  ) {
    return result('image-pull-failed', `the image could not be pulled: ${reason || 'CannotPullContainerError'}`);
  }
  if (code === 'TaskFailedToStart') {
    return result('failed-to-start', `the task failed to start: ${reason || 'no reason given'}`);
  }
  if (code === 'UserInitiated')
    return result('user-initiated', `stopped by a user or API call: ${reason || 'no reason given'}`);
  if (/failed ELB health checks/i.test(reason)) {
    return result('health-check-failed', `the load balancer found the task unhealthy: ${reason}`);
  }
  if (/failed container health checks/i.test(reason)) {
    return result('health-check-failed', `a container health check failed: ${reason}`);
  }
  if (code === 'SpotInterruption' || code === 'TerminationNotice' || /Your Spot Task was interrupted/i.test(reason)) {
    return result('spot-interruption', `capacity was reclaimed (${code || 'spot'}): ${reason || 'interrupted'}`);
  }
  // Older agents and archived events carry no stopCode: the reason text and the exit codes say the same thing.
  if (code === 'EssentialContainerExited' || (code === '' && essentialExitWithoutCode(task))) {
    const culprit = culpritContainer(task.containers);
    if (culprit?.exitCode === 137) {
      return result(
        'out-of-memory',
        `${describeContainer(culprit)} was killed (exit code 137, SIGKILL: usually the OOM killer)`,
        culprit,
      );
    }
    return result(
      'essential-container-exited',
      `an essential container exited: ${culprit ? describeContainer(culprit) : reason || 'no container detail'}`,
      culprit,
    );
  }
  if (/maintenance|retire|patching/i.test(reason)) {
    return result('infrastructure-maintenance', `AWS replaced the task for maintenance: ${reason}`);
  }
  if (code === 'ServiceSchedulerInitiated' || /Scaling activity initiated by/i.test(reason)) {
    const deployment = deploymentInReason(reason);
    if (deployment && task.startedBy && deployment !== task.startedBy) {
      return result('deployment-replacement', `replaced by deployment ${deployment}`);
    }
    return result('scale-in', `the service scheduler stopped it: ${reason || 'scale-in'}`);
  }
  return result('unknown', `stopped (${code || 'no stop code'}): ${reason || 'no reason given'}`);
}
