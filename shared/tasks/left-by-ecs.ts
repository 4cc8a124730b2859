import type { Logger } from '@aws-lambda-powertools/logger';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TaskDetail } from '../events/task-state-change.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import type { TargetGroupOutcome } from './batch-report.js';
import { planTargetGroupBatch, type StoppingTask } from './plan.js';

/** Statuses a task reaches only after ECS has started deregistering its targets (it does so while deactivating). */
const pastDeactivating = new Set(['STOPPING', 'DEPROVISIONING', 'STOPPED']);

/** True when ECS has begun taking the task's targets out of their groups by the time of this event. Pure. */
export function pastEcsDeregistration(task: Pick<TaskDetail, 'lastStatus'>): boolean {
  return pastDeactivating.has(task.lastStatus);
}

/** One target group's share of the stops: the group and the stopping tasks with targets in it. */
export interface GroupShare {
  targetGroupArn: string;
  here: StoppingTask[];
}

/**
 * The groups ECS has already emptied of the stops' targets, each settled with one read of those targets' health and
 * nothing else: a target that is not in service (gone, or draining) is left alone whoever owns its address now, and
 * nothing is written, so neither the group's lease nor the service's running tasks are needed. A group whose read
 * fails, or shows a target still in service, is not settled: the caller does the whole work under the lease.
 */
export async function groupsLeftByEcs(
  elbv2: ElasticLoadBalancingV2Client,
  groups: readonly GroupShare[],
  subject: { clusterName: string; serviceName: string },
  logger: Pick<Logger, 'debug'>,
): Promise<Map<string, TargetGroupOutcome>> {
  const settled = await Promise.all(
    groups.map(async ({ targetGroupArn, here }) => {
      try {
        const own = here.flatMap((s) => s.targets);
        const health = await observeTargetGroupHealth(elbv2, targetGroupArn, own);
        // No running task's target counted: any target still in service makes a plan that is not settled here.
        const plan = planTargetGroupBatch({
          targetGroupArn,
          subject,
          stops: here,
          runningTargets: new Set(),
          health,
          wholeGroup: false,
        });
        if (plan.action || plan.needsWholeGroup) return [];
        const outcome: TargetGroupOutcome = { targetGroupArn, plan, audit: [] };
        return [[targetGroupArn, outcome] as const];
      } catch (error) {
        logger.debug('the stopped targets’ health could not be read first; the group is handled under its lease', {
          error,
          targetGroupArn,
        });
        return [];
      }
    }),
  );
  return new Map(settled.flat());
}
