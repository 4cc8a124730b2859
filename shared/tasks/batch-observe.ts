import type { ECSClient } from '@aws-sdk/client-ecs';
import type { TaskDetail } from '../events/task-state-change.js';
import { type ObservationCache, observeEc2InstanceId } from '../services/observation-cache.js';
import { describeServiceTasks } from '../services/observe.js';
import type { ServiceState } from '../services/types.js';
import { targetLabel } from '../targets/membership.js';
import { isAwsvpc } from '../targets/task-targets.js';

/** An ENI attachment in these states still exists, so no other task can hold its address. */
const eniHeld = new Set(['PRECREATED', 'CREATED', 'ATTACHING', 'ATTACHED', 'DETACHING']);
/** How old an event may be for its ENI's state to still hold: a freed address takes longer to be a new task's target. */
export const ENI_STATE_FRESH_MS = 10_000;

/**
 * True when the event proves that no running task can own the stopped task's target now: an awsvpc task whose ENI
 * was still attached when the event was sent, less than {@link ENI_STATE_FRESH_MS} ago. Its address is the ENI's; a
 * new task gets it only after that ENI is deleted, then starts and registers, which takes longer than that. Pure.
 */
export function addressStillHeld(event: { time: string; detail: TaskDetail }, now: Date): boolean {
  const age = now.getTime() - Date.parse(event.time);
  if (!(age <= ENI_STATE_FRESH_MS) || !isAwsvpc(event.detail)) return false;
  const enis = event.detail.attachments.filter((a) =>
    ['eni', 'elasticnetworkinterface'].includes(a.type.toLowerCase()),
  );
  return enis.length > 0 && enis.every((a) => eniHeld.has((a.status ?? '').toUpperCase()));
}

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
