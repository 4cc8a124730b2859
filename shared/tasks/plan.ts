import { taskIdOf } from '../aws/arn.js';
import type { TaskFailurePolicy } from '../config/schema.js';
import type { TaskDetail } from '../events/task-state-change.js';
import type { DeregisterTargetsAction } from '../executor/actions.js';
import { isInService, membershipBasis, sameTarget, targetLabel } from '../targets/membership.js';
import type { TaskTargets } from '../targets/task-targets.js';
import type { TargetGroupHealth } from '../targets/types.js';
import type { StopClassification } from './classify.js';
import type { TaskSubject } from './screen.js';

/** Everything the planner decides from, observed beforehand. */
export interface TaskStopObservation {
  subject: TaskSubject;
  task: TaskDetail;
  classification: StopClassification;
  targets: TaskTargets[];
  health: TargetGroupHealth[];
}

/** The intended actions, and for every target group left alone, why. */
export interface TaskStopPlan {
  actions: DeregisterTargetsAction[];
  notes: string[];
}

/**
 * Plans the reaction to a stopping task: deregister, per target group, those of its targets that are still
 * registered and not already draining. Pure.
 */
export function planTaskStop(observation: TaskStopObservation, policy: TaskFailurePolicy): TaskStopPlan {
  const { subject, classification } = observation;
  if (!policy.deregisterTargets)
    return { actions: [], notes: ['target deregistration is switched off for this service'] };
  if (classification.routine) {
    return {
      actions: [],
      notes: [`routine stop (${classification.kind}): ECS deregisters and drains these targets itself`],
    };
  }
  const actions: DeregisterTargetsAction[] = [];
  const notes: string[] = [];
  for (const { targetGroupArn, targets, missing } of observation.targets) {
    if (missing) {
      notes.push(`${targetGroupArn}: ${missing}`);
      continue;
    }
    const health = observation.health.find((h) => h.targetGroupArn === targetGroupArn);
    const registered = targets.filter((t) => health?.targets.some((o) => sameTarget(o, t) && isInService(o)));
    if (!health || registered.length === 0) {
      notes.push(`${targetGroupArn}: ${targets.map(targetLabel).join(', ')} not registered or already draining`);
      continue;
    }
    actions.push({
      kind: 'deregister-targets',
      subject,
      targetGroupArn,
      targets: registered,
      why: `task ${taskIdOf(subject.taskArn)} of ${subject.serviceName} is stopping: ${classification.summary}`,
      basis: membershipBasis(health, registered),
    });
  }
  return { actions, notes };
}
