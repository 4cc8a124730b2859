import { targetGroupNameOf } from '../aws/arn.js';
import { weightProblem } from '../targets/forward.js';
import type { Action, CooldownBasis, SetForwardWeightsAction } from './actions.js';

/** A guardrail's verdict on one action. */
export type GuardVerdict = { allowed: true } | { allowed: false; rule: string; why: string };

const allowed: GuardVerdict = { allowed: true };
const refuse = (rule: string, why: string): GuardVerdict => ({ allowed: false, rule, why });

function cooldownVerdict({ direction, cooldownSeconds, lastScaledAt, now }: CooldownBasis): GuardVerdict {
  if (!lastScaledAt) return allowed;
  const elapsed = (Date.parse(now) - Date.parse(lastScaledAt)) / 1000;
  if (elapsed >= cooldownSeconds) return allowed;
  // A last time that cannot be read is no proof that the cooldown has passed.
  if (Number.isNaN(elapsed))
    return refuse('cooldown', `the last scale-${direction} time "${lastScaledAt}" cannot be read`);
  return refuse(
    'cooldown',
    `last scale-${direction} was ${Math.round(elapsed)} s ago; the cooldown is ${cooldownSeconds} s`,
  );
}

const ecsOwnedStrategies = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

/** weights: integers 0–999, at most 5 target groups, never all zero; never more weight onto a side short of healthy targets. */
function forwardWeightsVerdict(action: SetForwardWeightsAction): GuardVerdict {
  const { targetGroups } = action.expected;
  const missing = Object.keys(action.weights).filter((arn) => !targetGroups.some((tg) => tg.targetGroupArn === arn));
  if (missing.length) return refuse('weights', `not in the forward action: ${missing.join(', ')}`);
  const after = targetGroups.map((tg) => ({ ...tg, weight: action.weights[tg.targetGroupArn] ?? tg.weight }));
  const problem = weightProblem(after);
  if (problem) return refuse('weights', problem);
  for (const { targetGroupArn, weight: before } of targetGroups) {
    const weight = action.weights[targetGroupArn] ?? before;
    const basis = action.basis.find((b) => b.targetGroupArn === targetGroupArn);
    if (weight > before && (!basis || basis.healthy < basis.needed)) {
      return refuse(
        'healthy-capacity',
        `${targetGroupNameOf(targetGroupArn)} would get weight ${weight} with ${basis?.healthy ?? 'unknown'} healthy targets, ${basis?.needed ?? '?'} needed`,
      );
    }
  }
  return allowed;
}

/**
 * Judges an action against the product's guardrails, from the state observed when it was planned. Pure.
 * - never-empty: a target group that takes traffic is never left with no registered target.
 * - all-unhealthy: when every target is unhealthy the ALB fails open and routes to all of them, which beats nothing.
 * - min-healthy: fewer healthy targets than asked for means a systemic fault; removing more would only hurt.
 * - min-max: a desired count stays within its bounds. cooldown: no second change in one direction too soon.
 * - scalable-target-bounds: a scalable target's min never passes its max, and its max is never raised.
 * - weights, healthy-capacity, weighted-scale-in, ecs-owned-weights: see the canary's forward-weight rules.
 */
export function guard(action: Action): GuardVerdict {
  switch (action.kind) {
    case 'deregister-targets': {
      const { inService, healthy, removingHealthy } = action.basis;
      const remaining = inService - action.targets.length;
      if (inService > 0 && remaining < 1) {
        return refuse(
          'never-empty',
          `it would leave the target group with ${Math.max(remaining, 0)} registered targets (it has ${inService})`,
        );
      }
      if (action.policy?.keepWhenAllUnhealthy && inService > 0 && healthy === 0) {
        return refuse(
          'all-unhealthy',
          `all ${inService} targets are unhealthy: the ALB fails open, which beats no target`,
        );
      }
      // With no minimum asked for, a removal only has to leave what it cannot go below: zero healthy targets.
      const minHealthy = action.policy?.minHealthy ?? 0;
      if (healthy - removingHealthy < minHealthy) {
        return refuse(
          'min-healthy',
          `only ${healthy - removingHealthy} healthy target(s) would remain, fewer than minHealthy ${minHealthy}`,
        );
      }
      return allowed;
    }
    case 'set-desired-count': {
      const { bounds } = action.basis;
      if (action.to < bounds.min || action.to > bounds.max) {
        return refuse('min-max', `${action.to} tasks is outside the bounds ${bounds.min}-${bounds.max}`);
      }
      if ((action.direction === 'out') !== action.to > action.from) {
        return refuse('min-max', `scaling ${action.direction} from ${action.from} to ${action.to} goes the wrong way`);
      }
      if (action.direction === 'in' && (action.basis.trafficWeight ?? 0) > 0) {
        return refuse(
          'weighted-scale-in',
          `its target group has weight ${action.basis.trafficWeight} in the forward action: a side with traffic is never scaled in`,
        );
      }
      return cooldownVerdict(action.basis);
    }
    case 'set-scalable-target-bounds': {
      const { from, to } = action;
      if (to.min < 0 || to.min > to.max || to.max > from.max) {
        return refuse(
          'scalable-target-bounds',
          `min ${to.min}, max ${to.max} would pass the scalable target's own bounds (max ${from.max})`,
        );
      }
      return action.cooldown ? cooldownVerdict(action.cooldown) : allowed;
    }
    case 'set-forward-weights':
      return forwardWeightsVerdict(action);
    case 'set-task-definition':
      return action.strategy && ecsOwnedStrategies.has(action.strategy)
        ? refuse(
            'ecs-owned-weights',
            `${action.serviceName} uses ECS's own ${action.strategy} deployment strategy: ECS owns those weights`,
          )
        : allowed;
    case 'stop-task':
    case 'tag-service':
      return allowed;
  }
}
