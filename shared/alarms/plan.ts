import { targetGroupNameOf } from '../aws/arn.js';
import type { AlarmRule, CountOrPercent } from '../config/schema.js';
import {
  type Action,
  actionKey,
  type DeregisterTargetsAction,
  type SetDesiredCountAction,
  type SetScalableTargetBoundsAction,
  type StopTaskAction,
  type TagServiceAction,
} from '../executor/actions.js';
import type { ScalableTarget } from '../services/scalable-target.js';
import type { ServiceState } from '../services/types.js';
import { isInService, membershipBasis, targetLabel } from '../targets/membership.js';
import type { ObservedTarget, TargetGroupHealth } from '../targets/types.js';

/** Tag keys the scaling reaction keeps on the service itself (cooldowns and episodes live in the state table). */
export const SCALING_TAGS = {
  /** The scalable target's own min before a scale-out raised it: the floor a scale-in returns to. */
  minCapacityBaseline: 'ecs-autopilot:aas-min-baseline',
  /** The min a scaling step last set (written before it moves): a min other than it is someone else's. */
  minCapacitySet: 'ecs-autopilot:aas-min-set',
} as const;

/**
 * The scalable target's min that is not the scaling reaction's own, the floor a scale-in returns to: the baseline
 * kept on the service while the min is the one a step last set (or no step recorded what it set), else the min as it
 * is, which someone else set since (a scheduled action, an operator) or no step ever raised. A lost write leaves the
 * floor at a min of ours, never below someone else's.
 */
function scalableFloor(tags: Record<string, string>, scalable: ScalableTarget): number {
  const baseline = Number(tags[SCALING_TAGS.minCapacityBaseline] ?? Number.NaN);
  const set = tags[SCALING_TAGS.minCapacitySet];
  if (!Number.isFinite(baseline)) return scalable.min;
  if (set !== undefined && Number(set) !== scalable.min) return scalable.min;
  return baseline;
}

/** A count or a percent (`"50%"`) of a whole, rounded up. */
export function resolveCount(value: CountOrPercent, whole: number): number {
  if (typeof value === 'number') return value;
  return Math.ceil((Number.parseFloat(value) / 100) * whole);
}

export interface AlarmPlan {
  actions: Action[];
  notes: string[];
}

type DeregisterRule = Extract<AlarmRule, { reaction: 'deregister-unhealthy' }>;
type ScalingRule = Extract<AlarmRule, { reaction: 'scale-out' | 'scale-in' }>;

/**
 * Deregisters the unhealthy targets of a target group, at most `maxTargetsPerRun` per alarm episode, and optionally
 * stops their tasks once they are out. The targets are the episode's: chosen once, recorded, and on a retry or a
 * duplicate delivery only those of them still in service and unhealthy are taken again, never new ones. The
 * guardrails travel with the action: min-healthy, all-unhealthy, never-empty. Pure.
 */
export function planDeregisterUnhealthy(input: {
  rule: DeregisterRule;
  service: ServiceState;
  health: TargetGroupHealth;
  /** Running tasks by target (`ip:port` or `instance:port`), for stopping them. */
  taskByTarget: ReadonlyMap<string, string>;
  /** The targets (`id:port`) this alarm episode already chose in this target group, when it chose any. */
  episodeTargets?: readonly string[];
  why: string;
}): AlarmPlan {
  const { rule, service, health, taskByTarget, episodeTargets, why } = input;
  const inService = health.targets.filter(isInService);
  const unhealthy = inService.filter((t) => t.state === 'unhealthy');
  const limit = Math.max(1, resolveCount(rule.maxTargetsPerRun, inService.length));
  const group = targetGroupNameOf(health.targetGroupArn);
  if (!episodeTargets && unhealthy.length === 0) return { actions: [], notes: [`no unhealthy target in ${group}`] };
  const recorded = new Set(episodeTargets);
  const chosen: ObservedTarget[] = episodeTargets
    ? unhealthy.filter((t) => recorded.has(targetLabel(t)))
    : unhealthy.slice(0, limit);
  const notes: string[] = [];
  if (episodeTargets && chosen.length === 0) {
    notes.push(
      `this alarm episode already took its ${episodeTargets.length} target(s) out of ${group} (${episodeTargets.join(', ')}): nothing more until the alarm fires again`,
    );
  }
  if (unhealthy.length > chosen.length) {
    notes.push(
      `${unhealthy.length - chosen.length} more unhealthy target(s) wait for the next alarm (maxTargetsPerRun ${limit})`,
    );
  }
  if (chosen.length === 0) return { actions: [], notes };
  const subject = { clusterName: service.clusterName, serviceName: service.serviceName };
  const deregister: DeregisterTargetsAction = {
    kind: 'deregister-targets',
    subject,
    targetGroupArn: health.targetGroupArn,
    targets: chosen.map(({ id, port }) => ({ id, port })),
    why,
    basis: membershipBasis(health, chosen),
    policy: { minHealthy: resolveCount(rule.minHealthy, inService.length), keepWhenAllUnhealthy: true },
    whileUnhealthy: true,
  };
  const actions: Action[] = [deregister];
  if (rule.stopTasks) {
    for (const target of chosen) {
      const taskArn = taskByTarget.get(targetLabel(target));
      if (!taskArn) {
        notes.push(`no running task of ${service.serviceName} owns ${targetLabel(target)}: nothing to stop`);
        continue;
      }
      const stop: StopTaskAction = {
        kind: 'stop-task',
        subject: { ...subject, taskArn },
        clusterName: service.clusterName,
        taskArn,
        reason: `ecs-autopilot: target ${targetLabel(target)} unhealthy (${target.reason ?? 'failed health checks'})`,
        why: `its target ${targetLabel(target)} is unhealthy and out of the target group`,
        target: targetLabel(target),
        after: actionKey(deregister),
      };
      actions.push(stop);
    }
  }
  return { actions, notes };
}

/** The step an alarm episode decided, recorded durably before the change: its retries apply it, never a new one. */
export interface ScalingStep {
  direction: 'out' | 'in';
  from: number;
  to: number;
  decidedAt: string;
}

/**
 * Changes a service's desired count within the config's bounds and the scalable target's. The step is the alarm
 * episode's: decided once from the desired count observed then (`episode` absent), and afterwards the recorded
 * target count, so that a retry or a duplicate delivery of the same alarm finds the change made rather than making
 * another. With a scalable target, a scale-out raises its min so that Application Auto Scaling keeps the new
 * capacity rather than undoing it, and a scale-in lowers it back, never below its baseline. Pure.
 */
export function planScaling(input: {
  rule: ScalingRule;
  service: ServiceState;
  bounds: { minCount: number; maxCount: number } | undefined;
  scalable: ScalableTarget | undefined;
  now: Date;
  /** The step this alarm episode already decided (by an earlier attempt or a duplicate delivery). */
  episode?: ScalingStep;
  /** When another alarm episode last scaled the service in this direction, while its cooldown lasts. */
  lastScaledAt?: string;
  why: string;
}): AlarmPlan {
  const { rule, service, bounds, scalable, now, episode, lastScaledAt, why } = input;
  if (!bounds) {
    return { actions: [], notes: [`${service.serviceName} has no scaling bounds in the config: it is never scaled`] };
  }
  const direction = rule.reaction === 'scale-out' ? 'out' : 'in';
  const from = service.desiredCount;
  if (episode) {
    const done = direction === 'out' ? from >= episode.to : from <= episode.to;
    if (done) {
      const note = `this alarm episode scaled ${service.serviceName} ${direction} from ${episode.from} to ${episode.to} tasks (decided ${episode.decidedAt}); it runs ${from} desired tasks now (reported, not changed twice)`;
      return { actions: [], notes: [note] };
    }
  }
  const step = Math.max(1, resolveCount(rule.step, from));
  const ownMin = scalable ? scalableFloor(service.tags, scalable) : 0;
  const lower = Math.max(bounds.minCount, ownMin);
  const upper = scalable ? Math.min(bounds.maxCount, scalable.max) : bounds.maxCount;
  const stepped = direction === 'out' ? Math.min(from + step, upper) : Math.max(from - step, lower);
  const to = episode ? episode.to : stepped;
  if ((direction === 'out' && to <= from) || (direction === 'in' && to >= from)) {
    const edge = direction === 'out' ? `the upper bound ${upper}` : `the lower bound ${lower}`;
    return { actions: [], notes: [`${service.serviceName} is at ${from} tasks, already at ${edge}`] };
  }
  const notes = episode
    ? [
        `an earlier attempt of this alarm episode decided ${episode.from} → ${episode.to} tasks at ${episode.decidedAt}; the change is made now`,
      ]
    : [];

  const subject = { clusterName: service.clusterName, serviceName: service.serviceName };
  const cooldown = { direction, cooldownSeconds: rule.cooldownSeconds, lastScaledAt, now: now.toISOString() } as const;
  const actions: Action[] = [];
  let after: string | undefined;
  if (scalable) {
    const newMin = direction === 'out' ? Math.max(scalable.min, to) : Math.max(ownMin, Math.min(scalable.min, to));
    if (newMin !== scalable.min) {
      // A raise is recorded before the min moves and a lowering once it moved: a write lost on the way leaves the
      // floor at a min of ours, never below the baseline nor below a min of someone else's.
      const baseline = String(ownMin);
      const remember: TagServiceAction = {
        kind: 'tag-service',
        subject,
        serviceArn: service.serviceArn,
        tags: {
          ...(service.tags[SCALING_TAGS.minCapacityBaseline] !== baseline
            ? { [SCALING_TAGS.minCapacityBaseline]: baseline }
            : {}),
          [SCALING_TAGS.minCapacitySet]: String(newMin),
        },
        why: `the scalable target's own min (${baseline}) and the min set now (${newMin}) are kept on the service: a scale-in returns to the one, a min other than the other is someone else's`,
      };
      const move: SetScalableTargetBoundsAction = {
        kind: 'set-scalable-target-bounds',
        subject,
        resourceId: scalable.resourceId,
        from: { min: scalable.min, max: scalable.max },
        to: { min: newMin, max: scalable.max },
        why: `so that Application Auto Scaling keeps ${to} tasks rather than undoing the change`,
        cooldown,
      };
      if (direction === 'out') {
        move.after = actionKey(remember);
        actions.push(remember, move);
      } else {
        remember.after = actionKey(move);
        actions.push(move, remember);
      }
      after = actionKey(move);
    }
  }
  const scale: SetDesiredCountAction = {
    kind: 'set-desired-count',
    subject,
    clusterName: service.clusterName,
    serviceName: service.serviceName,
    from,
    to,
    direction,
    why,
    basis: { bounds: { min: lower, max: upper }, ...cooldown },
    ...(after ? { after } : {}),
  };
  actions.push(scale);
  return { actions, notes };
}
