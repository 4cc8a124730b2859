import type { DeregisterTargetsAction } from '../executor/actions.js';
import { isInService, membershipBasis, targetLabel } from '../targets/membership.js';
import type { Target, TargetGroupHealth } from '../targets/types.js';
import type { StopClassification } from './classify.js';

/** A stopping task of the batch, with its targets in one target group. */
export interface StoppingTask {
  taskArn: string;
  classification: StopClassification;
  targets: Target[];
}

/** Everything the planner decides one target group's share of a batch from, observed beforehand. */
export interface TargetGroupBatch {
  targetGroupArn: string;
  subject: { clusterName: string; serviceName: string };
  stops: StoppingTask[];
  /** Targets (`id:port`) of the service's RUNNING tasks: never removed, whatever an event says (addresses are reused). */
  runningTargets: ReadonlySet<string>;
  /**
   * Targets of the running tasks of the cluster's other managed services bound to the group, each with its service's
   * name: kept alike (a task of a service sharing the group may have taken the address).
   */
  sharingTargets?: ReadonlyMap<string, string>;
  health: TargetGroupHealth;
  /** False when `health` lists only the targets asked for (DescribeTargetHealth `Targets=`), not the whole group. */
  wholeGroup: boolean;
}

/** What became of one target of a stopping task. */
export type TargetVerdict = 'deregister' | 'gone' | 'owned-by-running-task' | 'kept-last';

export interface TargetDecision {
  taskArn: string;
  target: string;
  verdict: TargetVerdict;
  why: string;
}

/** One target group's share of a batch: at most one deregistration, and a verdict for every target named. */
export interface TargetGroupBatchPlan {
  action?: DeregisterTargetsAction;
  decisions: TargetDecision[];
  /** The partial read cannot tell whether a target would remain: read the whole group and plan again. */
  needsWholeGroup: boolean;
}

/** How many targets of running tasks a partial read asks about, enough to prove the group keeps one. */
export const RUNNING_TARGETS_SAMPLED = 5;

/**
 * The targets whose health answers the batch's questions: the stopping tasks' own, and a few of the running tasks'
 * (if one of those is in service, the group cannot be emptied). Sorted, so the same batch asks the same question.
 */
export function targetsToObserve(stops: readonly StoppingTask[], runningTargets: ReadonlySet<string>): Target[] {
  const wanted = new Map<string, Target>();
  for (const stop of stops) for (const t of stop.targets) wanted.set(targetLabel(t), t);
  const sample = [...runningTargets].sort().slice(0, RUNNING_TARGETS_SAMPLED);
  for (const label of sample) {
    const at = label.lastIndexOf(':');
    wanted.set(label, { id: label.slice(0, at), port: Number(label.slice(at + 1)) });
  }
  return [...wanted.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t);
}

/** "12 tasks of web stopped (10 essential container exited, 2 out of memory)". */
export function stopsSummary(serviceName: string, stops: readonly StoppingTask[]): string {
  const kinds = new Map<string, number>();
  for (const s of stops) kinds.set(s.classification.kind, (kinds.get(s.classification.kind) ?? 0) + 1);
  const detail = [...kinds.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([kind, n]) => `${n} ${kind.replaceAll('-', ' ')}`)
    .join(', ');
  if (stops.length === 1 && stops[0]) {
    return `task ${stops[0].taskArn.split('/').pop()} of ${serviceName} is stopping: ${stops[0].classification.summary}`;
  }
  return `${stops.length} tasks of ${serviceName} are stopping (${detail})`;
}

/**
 * Plans one target group's share of a batch of task stops: every target of a stopping task that is still in service
 * leaves in one deregistration, except targets a RUNNING task of the service, or of another managed service bound to
 * the group, owns now, and except the last one when nothing else would remain (never-empty: ECS removes that one
 * itself once the task is gone). Pure.
 */
export function planTargetGroupBatch(batch: TargetGroupBatch): TargetGroupBatchPlan {
  const { targetGroupArn, subject, health, runningTargets, sharingTargets } = batch;
  const observed = new Map(health.targets.map((t) => [targetLabel(t), t]));
  const decisions: TargetDecision[] = [];
  const removable = new Map<string, Target>();
  const stops = [...batch.stops].sort((a, b) => a.taskArn.localeCompare(b.taskArn));
  for (const stop of stops) {
    for (const target of stop.targets) {
      const label = targetLabel(target);
      const seen = observed.get(label);
      const decide = (verdict: TargetVerdict, why: string) =>
        decisions.push({ taskArn: stop.taskArn, target: label, verdict, why });
      const owner = runningTargets.has(label) ? subject.serviceName : sharingTargets?.get(label);
      if (owner !== undefined) {
        decide('owned-by-running-task', `${label} now belongs to a running task of ${owner}`);
      } else if (!seen || !isInService(seen)) {
        decide('gone', `${label} is ${seen?.state ?? 'not registered'}: nothing to do`);
      } else {
        removable.set(label, target);
        decide('deregister', `${label} is ${seen.state} and its task is stopping`);
      }
    }
  }
  const remaining = health.targets.filter((t) => isInService(t) && !removable.has(targetLabel(t)));
  if (removable.size > 0 && remaining.length === 0) {
    if (!batch.wholeGroup) return { decisions: [], needsWholeGroup: true };
    const [last] = [...removable.keys()].sort();
    removable.delete(last as string);
    // Every decision naming a removable target is a deregistration: a target's verdict follows from its label alone.
    for (const d of decisions) {
      if (d.target !== last) continue;
      d.verdict = 'kept-last';
      d.why = `${last} is the last registered target of the group: never-empty keeps it, ECS removes it once its task is gone`;
    }
  }
  if (removable.size === 0) return { decisions, needsWholeGroup: false };
  const targets = [...removable.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t);
  const acting = stops.filter((s) => s.targets.some((t) => removable.has(targetLabel(t))));
  const action: DeregisterTargetsAction = {
    kind: 'deregister-targets',
    // Stryker disable next-line OptionalChaining: equivalent, acting[0] exists when acting has one stop
    subject: acting.length === 1 ? { ...subject, taskArn: acting[0]?.taskArn } : subject,
    targetGroupArn,
    targets,
    why: stopsSummary(subject.serviceName, acting),
    basis: membershipBasis(health, targets),
  };
  return { action, decisions, needsWholeGroup: false };
}
