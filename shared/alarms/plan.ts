import { targetGroupNameOf } from '../aws/arn.js';
import type { AlarmRule, CountOrPercent } from '../config/schema.js';
import {
  type Action,
  actionKey,
  type DeregisterTargetsAction,
  type SetDesiredCountAction,
  type SetScalableTargetBoundsAction,
  type StopTaskAction,
} from '../executor/actions.js';
import type { ScalableTarget } from '../services/scalable-target.js';
import type { ServiceState } from '../services/types.js';
import { isInService, membershipBasis, targetLabel } from '../targets/membership.js';
import type { ObservedTarget, TargetGroupHealth } from '../targets/types.js';

/** Tag keys the scaling reaction keeps its memory in, on the service itself. */
export const SCALING_TAGS = {
  lastScaleOut: 'ecs-autopilot:last-scale-out',
  lastScaleIn: 'ecs-autopilot:last-scale-in',
  /** The scalable target's own min before a scale-out raised it: the floor a scale-in returns to. */
  minCapacityBaseline: 'ecs-autopilot:aas-min-baseline',
} as const;

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
 * Deregisters the unhealthy targets of a target group (at most `maxTargetsPerRun`), and optionally stops their tasks
 * once they are out. The guardrails travel with the action: min-healthy, all-unhealthy, never-empty. Pure.
 */
export function planDeregisterUnhealthy(input: {
  rule: DeregisterRule;
  service: ServiceState;
  health: TargetGroupHealth;
  /** Running tasks by target (`ip:port` or `instance:port`), for stopping them. */
  taskByTarget: ReadonlyMap<string, string>;
  why: string;
}): AlarmPlan {
  const { rule, service, health, taskByTarget, why } = input;
  const inService = health.targets.filter(isInService);
  const unhealthy = inService.filter((t) => t.state === 'unhealthy');
  if (unhealthy.length === 0) {
    return { actions: [], notes: [`no unhealthy target in ${targetGroupNameOf(health.targetGroupArn)}`] };
  }
  const limit = Math.max(1, resolveCount(rule.maxTargetsPerRun, inService.length));
  const chosen: ObservedTarget[] = unhealthy.slice(0, limit);
  const notes =
    unhealthy.length > chosen.length
      ? [
          `${unhealthy.length - chosen.length} more unhealthy target(s) wait for the next alarm (maxTargetsPerRun ${limit})`,
        ]
      : [];
  const subject = { clusterName: service.clusterName, serviceName: service.serviceName };
  const deregister: DeregisterTargetsAction = {
    kind: 'deregister-targets',
    subject,
    targetGroupArn: health.targetGroupArn,
    targets: chosen.map(({ id, port }) => ({ id, port })),
    why,
    basis: membershipBasis(health, chosen),
    policy: { minHealthy: resolveCount(rule.minHealthy, inService.length), keepWhenAllUnhealthy: true },
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
        after: actionKey(deregister),
      };
      actions.push(stop);
    }
  }
  return { actions, notes };
}

/**
 * Changes a service's desired count by a step, within the config's bounds and the scalable target's, and records the
 * time on the service for the cooldown. With a scalable target, a scale-out raises its min so that Application Auto
 * Scaling keeps the new capacity rather than undoing it, and a scale-in lowers it back, never below its baseline. Pure.
 */
export function planScaling(input: {
  rule: ScalingRule;
  service: ServiceState;
  bounds: { minCount: number; maxCount: number } | undefined;
  scalable: ScalableTarget | undefined;
  now: Date;
  /** When the alarm's state began: a change recorded after it is this alarm's own, made by an earlier attempt. */
  firedAt?: Date;
  why: string;
}): AlarmPlan {
  const { rule, service, bounds, scalable, now, firedAt, why } = input;
  if (!bounds) {
    return { actions: [], notes: [`${service.serviceName} has no scaling bounds in the config: it is never scaled`] };
  }
  const direction = rule.reaction === 'scale-out' ? 'out' : 'in';
  const lastScaledAt = service.tags[direction === 'out' ? SCALING_TAGS.lastScaleOut : SCALING_TAGS.lastScaleIn];
  if (lastScaledAt && firedAt && Date.parse(lastScaledAt) >= firedAt.getTime()) {
    const note = `${service.serviceName} was scaled ${direction} at ${lastScaledAt}, after this alarm fired: it runs ${service.desiredCount} desired tasks now (reported, not changed twice)`;
    return { actions: [], notes: [note] };
  }
  const from = service.desiredCount;
  const step = Math.max(1, resolveCount(rule.step, from));
  const baselineTag = service.tags[SCALING_TAGS.minCapacityBaseline];
  const ownMin = scalable ? (baselineTag !== undefined ? Number(baselineTag) : scalable.min) : 0;
  const lower = Math.max(bounds.minCount, ownMin);
  const upper = scalable ? Math.min(bounds.maxCount, scalable.max) : bounds.maxCount;
  const to = direction === 'out' ? Math.min(from + step, upper) : Math.max(from - step, lower);
  if ((direction === 'out' && to <= from) || (direction === 'in' && to >= from)) {
    const edge = direction === 'out' ? `the upper bound ${upper}` : `the lower bound ${lower}`;
    return { actions: [], notes: [`${service.serviceName} is at ${from} tasks, already at ${edge}`] };
  }

  const subject = { clusterName: service.clusterName, serviceName: service.serviceName };
  const cooldown = { direction, cooldownSeconds: rule.cooldownSeconds, lastScaledAt, now: now.toISOString() } as const;
  const actions: Action[] = [];
  const tags: Record<string, string> = {
    [direction === 'out' ? SCALING_TAGS.lastScaleOut : SCALING_TAGS.lastScaleIn]: now.toISOString(),
  };
  let after: string | undefined;
  if (scalable) {
    const newMin = direction === 'out' ? Math.max(scalable.min, to) : Math.max(ownMin, Math.min(scalable.min, to));
    if (newMin !== scalable.min) {
      const move: SetScalableTargetBoundsAction = {
        kind: 'set-scalable-target-bounds',
        subject,
        resourceId: scalable.resourceId,
        from: { min: scalable.min, max: scalable.max },
        to: { min: newMin, max: scalable.max },
        why: `so that Application Auto Scaling keeps ${to} tasks rather than undoing the change`,
        cooldown,
      };
      actions.push(move);
      after = actionKey(move);
      if (baselineTag === undefined) tags[SCALING_TAGS.minCapacityBaseline] = String(scalable.min);
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
  actions.push(scale, {
    kind: 'tag-service',
    subject,
    serviceArn: service.serviceArn,
    tags,
    why: 'the cooldown and the scalable target baseline are kept on the service',
    after: actionKey(scale),
  });
  return { actions, notes: [] };
}
