import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AlarmRule } from '../config/schema.js';
import { type ObservationCache, observeEc2InstanceId } from '../services/observation-cache.js';
import { describeServiceTasks } from '../services/observe.js';
import type { ServiceState } from '../services/types.js';
import type { StateStore } from '../state/index.js';
import { targetLabel } from '../targets/membership.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import { isAwsvpc, taskTargets } from '../targets/task-targets.js';
import { type AlarmEpisode, EPISODE_TTL_SECONDS, episodeKey, recordOnce } from './episode.js';
import { type AlarmPlan, planDeregisterUnhealthy } from './plan.js';

type DeregisterRule = Extract<AlarmRule, { reaction: 'deregister-unhealthy' }>;

/** What planning an episode's deregistrations reads and records through. */
export interface DeregisterDeps {
  clients: { ecs: ECSClient; elbv2: ElasticLoadBalancingV2Client };
  cache: ObservationCache;
  state: Pick<StateStore, 'get' | 'create'>;
  dryRun: boolean;
}

/** Running tasks of the service by the target each stands for in the target group: whom to stop. */
async function tasksByTarget(
  deps: DeregisterDeps,
  service: ServiceState,
  targetGroupArn: string,
): Promise<Map<string, string>> {
  const bindings = service.loadBalancers.filter((lb) => lb.targetGroupArn === targetGroupArn);
  const map = new Map<string, string>();
  for (const task of await describeServiceTasks(
    deps.clients.ecs,
    service.clusterName,
    service.serviceName,
    'RUNNING',
  )) {
    const instance =
      !isAwsvpc(task) && task.containerInstanceArn
        ? await observeEc2InstanceId(deps.clients.ecs, deps.cache, service.clusterName, task.containerInstanceArn)
        : undefined;
    for (const { targets } of taskTargets(task, bindings, instance)) {
      for (const target of targets) map.set(targetLabel(target), task.taskArn);
    }
  }
  return map;
}

/**
 * Plans the episode's deregistrations, target group by target group: the targets an episode takes are recorded
 * (conditionally) before they are removed, so a retry or a duplicate delivery takes the same ones again, never more
 * than `maxTargetsPerRun` per episode. A dry run records nothing.
 */
export async function planEpisodeDeregistrations(
  deps: DeregisterDeps,
  input: { rule: DeregisterRule; service: ServiceState; targetGroupArns: string[]; episode: AlarmEpisode; why: string },
): Promise<AlarmPlan> {
  const { rule, service, episode, why } = input;
  const plan: AlarmPlan = { actions: [], notes: [] };
  for (const targetGroupArn of new Set(input.targetGroupArns)) {
    const key = episodeKey(episode, `deregister#${targetGroupArn}`);
    const health = await observeTargetGroupHealth(deps.clients.elbv2, targetGroupArn);
    const owners = rule.stopTasks ? await tasksByTarget(deps, service, targetGroupArn) : new Map<string, string>();
    const planWith = (episodeTargets?: string[]) =>
      planDeregisterUnhealthy({ rule, service, health, taskByTarget: owners, why, episodeTargets });
    const earlier = await deps.state.get<{ targets: string[] }>(key);
    let part = planWith(earlier?.data.targets);
    const chosen = part.actions.find((a) => a.kind === 'deregister-targets');
    if (!earlier && chosen && !deps.dryRun) {
      const targets = chosen.targets.map(targetLabel).sort();
      const { record, recorded } = await recordOnce(deps.state, key, { targets }, EPISODE_TTL_SECONDS);
      if (!recorded) part = planWith(record.data.targets);
    }
    plan.actions.push(...part.actions);
    plan.notes.push(...part.notes);
  }
  return plan;
}
