import type { ECSClient } from '@aws-sdk/client-ecs';
import type { TaskDetail } from '../events/task-state-change.js';
import { type ObservationCache, observeEc2InstanceId } from '../services/observation-cache.js';
import { describeServiceTasks } from '../services/observe.js';
import type { ServiceState } from '../services/types.js';
import { targetLabel } from '../targets/membership.js';
import { isAwsvpc } from '../targets/task-targets.js';

/** True when ECS answered that the cluster does not exist: the config and the account disagree. */
export function isClusterNotFound(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ClusterNotFoundException';
}

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

/**
 * The targets (`id:port`) that RUNNING tasks of the service own now, per target group: a stopped task's address can
 * already belong to one of them, and such a target must stay. The same ownership rule as the reconciler's.
 */
export async function observeRunningTargets(
  ecs: ECSClient,
  cache: ObservationCache,
  service: ServiceState,
  /** The tasks being stopped: ECS may still list them as RUNNING for a moment, yet they own nothing any more. */
  stopping: ReadonlySet<string>,
  targetsOf: (
    task: TaskDetail,
    ec2InstanceId: string | undefined,
  ) => Array<{ targetGroupArn: string; targets: Array<{ id: string; port: number }> }>,
): Promise<Map<string, Set<string>>> {
  const running = await describeServiceTasks(ecs, service.clusterName, service.serviceName, 'RUNNING');
  const owned = new Map<string, Set<string>>();
  for (const task of running.filter((t) => !stopping.has(t.taskArn))) {
    const { ec2InstanceId } = await observeTaskInstance(ecs, cache, service.clusterName, task);
    for (const { targetGroupArn, targets } of targetsOf(task, ec2InstanceId)) {
      const set = owned.get(targetGroupArn) ?? new Set<string>();
      for (const t of targets) set.add(targetLabel(t));
      owned.set(targetGroupArn, set);
    }
  }
  return owned;
}
