import type { ECSClient } from '@aws-sdk/client-ecs';
import type { TaskDetail } from '../events/task-state-change.js';
import { type ObservationCache, observeEc2InstanceId } from '../services/observation-cache.js';
import { describeServiceTasks } from '../services/observe.js';
import type { ServiceBindings } from '../services/types.js';
import { targetLabel } from './membership.js';
import { isAwsvpc, taskTargets } from './task-targets.js';

/** The EC2 instance a bridge/host task ran on, or why it cannot be known (its container instance may be gone). */
export async function observeTaskInstance(
  ecs: ECSClient,
  cache: ObservationCache,
  clusterName: string,
  task: TaskDetail,
): Promise<{ ec2InstanceId?: string; problem?: string }> {
  if (isAwsvpc(task) || !task.containerInstanceArn) return {};
  try {
    return { ec2InstanceId: await observeEc2InstanceId(ecs, cache, clusterName, task.containerInstanceArn) };
  } catch (error) {
    const why = `${(error as Error).name}: ${(error as Error).message}`;
    return {
      problem: `its container instance ${task.containerInstanceArn.split('/').pop()} cannot be described (${why}); ELB drops the targets of a terminated instance itself`,
    };
  }
}

/** A task that holds a target now: one ECS means to run (PROVISIONING, PENDING, ACTIVATING or RUNNING). */
export interface TargetOwner {
  taskArn: string;
  lastStatus: string;
}

/**
 * Who holds each target (`id:port`) now, per target group: the tasks of the service ECS means to run (ListTasks and
 * DescribeTasks, desired status RUNNING, so pending and activating ones too). A stopped task's address can already
 * belong to one of them, and such a target must stay.
 */
export async function observeTargetOwners(
  ecs: ECSClient,
  cache: ObservationCache,
  service: ServiceBindings,
  /** The tasks being stopped: ECS may still list them as RUNNING for a moment, yet they own nothing any more. */
  stopping: ReadonlySet<string> = new Set(),
): Promise<Map<string, Map<string, TargetOwner>>> {
  const running = await describeServiceTasks(ecs, service.clusterName, service.serviceName, 'RUNNING');
  const owners = new Map<string, Map<string, TargetOwner>>();
  for (const task of running.filter((t) => !stopping.has(t.taskArn))) {
    const { ec2InstanceId } = await observeTaskInstance(ecs, cache, service.clusterName, task);
    for (const { targetGroupArn, targets } of taskTargets(task, service.loadBalancers, ec2InstanceId)) {
      const here = owners.get(targetGroupArn) ?? new Map<string, TargetOwner>();
      for (const t of targets) here.set(targetLabel(t), { taskArn: task.taskArn, lastStatus: task.lastStatus });
      owners.set(targetGroupArn, here);
    }
  }
  return owners;
}

/**
 * The targets (`id:port`) that tasks of the service own now, per target group: the task path's and the reconciler's
 * ownership rule (see {@link observeTargetOwners}).
 */
export async function observeRunningTargets(
  ecs: ECSClient,
  cache: ObservationCache,
  service: ServiceBindings,
  stopping: ReadonlySet<string>,
): Promise<Map<string, Set<string>>> {
  const owners = await observeTargetOwners(ecs, cache, service, stopping);
  return new Map([...owners].map(([targetGroupArn, here]) => [targetGroupArn, new Set(here.keys())]));
}

/**
 * The targets (`id:port`) that tasks of other services own now in the given target groups, per group, each with its
 * owner's service: the same ownership rule, for services sharing a group (one ListTasks and DescribeTasks each, paid
 * only by those bound to one of `groups`).
 */
export async function observeTargetsOfSharingServices(
  ecs: ECSClient,
  cache: ObservationCache,
  services: readonly ServiceBindings[],
  groups: ReadonlySet<string>,
  stopping: ReadonlySet<string>,
): Promise<Map<string, Map<string, string>>> {
  const bound = services.flatMap((s) => {
    const here = s.loadBalancers.filter((lb) => groups.has(lb.targetGroupArn));
    return here.length ? [{ clusterName: s.clusterName, serviceName: s.serviceName, loadBalancers: here }] : [];
  });
  const owners = await Promise.all(
    bound.map(async (s) => ({
      serviceName: s.serviceName,
      byGroup: await observeTargetOwners(ecs, cache, s, stopping),
    })),
  );
  const held = new Map<string, Map<string, string>>();
  for (const { serviceName, byGroup } of owners) {
    for (const [targetGroupArn, here] of byGroup) {
      const labels = held.get(targetGroupArn) ?? new Map<string, string>();
      for (const label of here.keys()) labels.set(label, serviceName);
      held.set(targetGroupArn, labels);
    }
  }
  return held;
}
