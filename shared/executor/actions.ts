import { targetGroupNameOf, taskIdOf } from '../aws/arn.js';
import type { ServiceBindings } from '../services/types.js';
import type { ForwardSnapshot } from '../targets/forward.js';
import type { MembershipBasis } from '../targets/membership.js';
import { targetLabel } from '../targets/membership.js';
import type { Target } from '../targets/types.js';

/** What an action is about, for logs, audit and alerts. */
export interface ActionSubject {
  clusterName: string;
  serviceName: string;
  taskArn?: string;
}

/** Fields every action has. */
interface ActionBase {
  subject: ActionSubject;
  /** Why the planner wants this, in one sentence. */
  why: string;
  /** The key of an action that must have succeeded first (e.g. stop a task only once its targets are gone). */
  after?: string;
}

/** Remove targets from one target group. */
export interface DeregisterTargetsAction extends ActionBase {
  kind: 'deregister-targets';
  targetGroupArn: string;
  targets: Target[];
  /** The target group's membership as observed when the action was planned: what guardrails judge. */
  basis: MembershipBasis;
  /** Guardrails beyond never-empty that this removal asks for. */
  policy?: { minHealthy?: number; keepWhenAllUnhealthy?: boolean };
  /**
   * Set when the targets are removed because no task holds them (orphans): every service bound to the group. Under
   * its lease, just before the write, their tasks are read again, and a target one of them holds by then is kept.
   */
  unownedBy?: ServiceBindings[];
  /**
   * Set when the targets are removed for being `unhealthy` (an alarm): under its lease, a target read again in any
   * other state (healthy again, draining) is kept.
   */
  whileUnhealthy?: boolean;
}

/** Stop a task so that its service replaces it. */
export interface StopTaskAction extends ActionBase {
  kind: 'stop-task';
  clusterName: string;
  taskArn: string;
  /** Shown in the task's stoppedReason. */
  reason: string;
  /** The target (`id:port`) whose removal (`after`) this stop follows: when that removal kept it, the task stays. */
  target?: string;
}

/** When a service was last scaled in one direction, and how long it must wait before the next. */
export interface CooldownBasis {
  direction: 'out' | 'in';
  cooldownSeconds: number;
  /** When the service was last scaled in this direction, from its tag. */
  lastScaledAt?: string;
  /** The time of planning. */
  now: string;
}

/** Change a service's desired count. */
export interface SetDesiredCountAction extends ActionBase {
  kind: 'set-desired-count';
  clusterName: string;
  serviceName: string;
  from: number;
  to: number;
  direction: 'out' | 'in';
  basis: CooldownBasis & {
    /** Bounds from the config, narrowed by the scalable target's when there is one. */
    bounds: { min: number; max: number };
    /** The weight of the service's target group in a canary's forward action: a side with weight is never scaled in. */
    trafficWeight?: number;
  };
}

/** Set the weights of target groups in a listener's default action or a rule's forward action. */
export interface SetForwardWeightsAction extends ActionBase {
  kind: 'set-forward-weights';
  /** A listener ARN (its default actions) or a listener rule ARN. */
  actionArn: string;
  /** New weights by target group ARN; every other target group keeps its weight. */
  weights: Record<string, number>;
  /** The forward action as planned from: a different one read before writing means someone else edits it. */
  expected: ForwardSnapshot;
  /** Healthy targets each target group has and needs for the weight it is given, for those whose weight rises. */
  basis: { targetGroupArn: string; healthy: number; needed: number }[];
  /** Writes tried before the action fails when the weights do not read back as written. */
  attempts: number;
}

/** Point a service at a task definition (ECS replaces its tasks). */
export interface SetTaskDefinitionAction extends ActionBase {
  kind: 'set-task-definition';
  clusterName: string;
  serviceName: string;
  taskDefinition: string;
  /** The service's deployment strategy as observed: ECS's own blue/green, linear and canary ones are refused. */
  strategy?: string;
}

/** Move an Application Auto Scaling scalable target's min/max capacity. */
export interface SetScalableTargetBoundsAction extends ActionBase {
  kind: 'set-scalable-target-bounds';
  resourceId: string;
  from: { min: number; max: number };
  to: { min: number; max: number };
  /** Set when the move is part of a scaling step: it is held to the same cooldown. */
  cooldown?: CooldownBasis;
}

/** Write tags on a service: where cooldowns and baselines are kept across invocations. */
export interface TagServiceAction extends ActionBase {
  kind: 'tag-service';
  serviceArn: string;
  tags: Record<string, string>;
}

/** Every mutation the product can ask for; the executor is the only code that carries one out. */
export type Action =
  | DeregisterTargetsAction
  | StopTaskAction
  | SetDesiredCountAction
  | SetScalableTargetBoundsAction
  | TagServiceAction
  | SetForwardWeightsAction
  | SetTaskDefinitionAction;

/** A stable key: the same intended change always has the same key, whatever order its parts came in. */
export function actionKey(action: Action): string {
  switch (action.kind) {
    case 'deregister-targets':
      return `deregister-targets|${action.targetGroupArn}|${action.targets.map(targetLabel).sort().join(',')}`;
    case 'stop-task':
      return `stop-task|${action.taskArn}`;
    case 'set-desired-count':
      return `set-desired-count|${action.clusterName}/${action.serviceName}|${action.to}`;
    case 'set-scalable-target-bounds':
      return `set-scalable-target-bounds|${action.resourceId}|${action.to.min}-${action.to.max}`;
    case 'tag-service':
      return `tag-service|${action.serviceArn}|${Object.keys(action.tags).sort().join(',')}`;
    case 'set-forward-weights':
      return `set-forward-weights|${action.actionArn}|${Object.entries(action.weights)
        .map(([tg, w]) => `${tg}=${w}`)
        .sort()
        .join(',')}`;
    case 'set-task-definition':
      return `set-task-definition|${action.clusterName}/${action.serviceName}|${action.taskDefinition}`;
  }
}

/** One line a person reads in a timeline or an alert. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'deregister-targets':
      return `deregister ${action.targets.map(targetLabel).join(', ')} from target group ${targetGroupNameOf(action.targetGroupArn)}`;
    case 'stop-task':
      return `stop task ${taskIdOf(action.taskArn).slice(0, 8)} so ECS replaces it`;
    case 'set-desired-count':
      return `scale ${action.direction} ${action.serviceName} from ${action.from} to ${action.to} tasks`;
    case 'set-scalable-target-bounds':
      return `set the scalable target ${action.resourceId} to min ${action.to.min}, max ${action.to.max} (was ${action.from.min}-${action.from.max})`;
    case 'tag-service':
      return `tag service ${action.subject.serviceName} with ${Object.entries(action.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`;
    case 'set-forward-weights':
      return `set weights ${Object.entries(action.weights)
        .map(([tg, w]) => `${targetGroupNameOf(tg)}=${w}`)
        .join(
          ', ',
        )} on ${action.actionArn.includes(':listener-rule/') ? 'rule' : 'listener'} ${action.actionArn.split('/').pop()}`;
    case 'set-task-definition':
      return `deploy ${action.taskDefinition.split('/').pop()} to ${action.serviceName}`;
  }
}
