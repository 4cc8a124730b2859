import type { TaskDetail } from '../events/task-state-change.js';
import type { DeregisterTargetsAction } from '../executor/actions.js';
import type { ServiceBindings, ServiceState } from '../services/types.js';
import { isInService, membershipBasis, targetLabel } from '../targets/membership.js';
import { taskTargets } from '../targets/task-targets.js';
import type { ObservedTarget, TargetGroupHealth } from '../targets/types.js';

/** One managed service as the reconciler observed it. */
export interface ObservedService {
  service: ServiceState;
  running: TaskDetail[];
  stopped: TaskDetail[];
}

/** What a sweep found that it did not (or may not) fix. */
export interface ReconcileFindings {
  /** Registered targets that no known task owns: reported, never removed (they may be registered on purpose). */
  unknownTargets: Array<{ targetGroupArn: string; target: string; state: string }>;
  /** Orphans whose task stopped less than the grace period ago, or at an unknown time: left for a later sweep. */
  youngOrphans: Array<{ targetGroupArn: string; target: string; taskArn: string }>;
  /** Running tasks whose target is not registered in a target group of their service. */
  missingTasks: Array<{ serviceName: string; targetGroupArn: string; target: string; taskArn: string }>;
}

export interface ReconcilePlan {
  actions: DeregisterTargetsAction[];
  findings: ReconcileFindings;
}

/** The value of a map at a key, created on first use. */
function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Time of a stop, as the task reports it. */
function stoppedTime(task: TaskDetail): number | undefined {
  const at = task.stoppedAt ?? task.stoppingAt;
  return at === undefined ? undefined : Date.parse(at);
}

/**
 * Compares registered targets with tasks for every target group of the managed services. An orphan (a target of a
 * task of the service that stopped at least `graceSeconds` ago, owned by no running task of any managed service on
 * that target group) is deregistered, once no task of a service bound to the group (bystanders too) holds it when
 * read again under the group's lease (`unownedBy`); everything else odd is reported. Pure.
 */
export function planReconcile(input: {
  services: ObservedService[];
  /** Services bound to the same target groups whose tasks the sweep did not read (tagged disabled, or unreadable). */
  bystanders?: readonly ServiceBindings[];
  health: ReadonlyMap<string, TargetGroupHealth>;
  ec2InstanceIds: ReadonlyMap<string, string>;
  graceSeconds: number;
  now: Date;
}): ReconcilePlan {
  const { services, health, ec2InstanceIds, graceSeconds, now } = input;
  const bound = [...services.map((o) => o.service), ...(input.bystanders ?? [])];
  const findings: ReconcileFindings = { unknownTargets: [], youngOrphans: [], missingTasks: [] };
  const targetsOf = (task: TaskDetail, bindings: ServiceState['loadBalancers']) =>
    taskTargets(task, bindings, task.containerInstanceArn ? ec2InstanceIds.get(task.containerInstanceArn) : undefined);

  // Owners per target group, across every managed service attached to it: a shared target group is judged once.
  const running = new Map<string, Set<string>>();
  const stopped = new Map<string, Map<string, { task: TaskDetail; service: ServiceState }>>();
  for (const { service, running: up, stopped: down } of services) {
    for (const task of up) {
      for (const { targetGroupArn, targets } of targetsOf(task, service.loadBalancers)) {
        for (const t of targets) entry(running, targetGroupArn, () => new Set()).add(targetLabel(t));
      }
    }
    for (const task of down) {
      for (const { targetGroupArn, targets } of targetsOf(task, service.loadBalancers)) {
        for (const t of targets) entry(stopped, targetGroupArn, () => new Map()).set(targetLabel(t), { task, service });
      }
    }
  }

  const actions: DeregisterTargetsAction[] = [];
  for (const [targetGroupArn, observed] of health) {
    const orphans: Array<{ target: ObservedTarget; task: TaskDetail; service: ServiceState }> = [];
    for (const target of observed.targets.filter(isInService)) {
      const label = targetLabel(target);
      if (running.get(targetGroupArn)?.has(label)) continue;
      const owner = stopped.get(targetGroupArn)?.get(label);
      if (!owner) {
        findings.unknownTargets.push({ targetGroupArn, target: label, state: target.state });
        continue;
      }
      const at = stoppedTime(owner.task);
      if (at === undefined || (now.getTime() - at) / 1000 < graceSeconds) {
        findings.youngOrphans.push({ targetGroupArn, target: label, taskArn: owner.task.taskArn });
        continue;
      }
      orphans.push({ target, ...owner });
    }
    const first = orphans[0];
    if (first) {
      const removing = orphans.map(({ target: { id, port } }) => ({ id, port }));
      actions.push({
        kind: 'deregister-targets',
        subject: { clusterName: first.service.clusterName, serviceName: first.service.serviceName },
        targetGroupArn,
        targets: removing,
        why: `orphan target(s) ${removing.map(targetLabel).join(', ')}: their task stopped more than ${graceSeconds} s ago and nothing removed them`,
        basis: membershipBasis(observed, removing),
        // Read again under the group's lease, just before the write: a new task may take an orphan's address.
        unownedBy: bound.flatMap((s) => {
          const here = s.loadBalancers.filter((lb) => lb.targetGroupArn === targetGroupArn);
          return here.length ? [{ clusterName: s.clusterName, serviceName: s.serviceName, loadBalancers: here }] : [];
        }),
      });
    }
  }

  // Running tasks that should be in a target group of their service and are not.
  for (const { service, running: up } of services) {
    for (const task of up.filter((t) => t.lastStatus === 'RUNNING')) {
      for (const { targetGroupArn, targets } of targetsOf(task, service.loadBalancers)) {
        const registered = health.get(targetGroupArn)?.targets;
        for (const t of targets) {
          if (!registered?.some((r) => targetLabel(r) === targetLabel(t) && r.state !== 'draining')) {
            findings.missingTasks.push({
              serviceName: service.serviceName,
              targetGroupArn,
              target: targetLabel(t),
              taskArn: task.taskArn,
            });
          }
        }
      }
    }
  }
  return { actions, findings };
}
