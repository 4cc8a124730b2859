import type { LifecycleStage } from '../../events/lifecycle-hook.js';
import type { GateAlarm } from '../gate-alarms.js';
import type { Evidence, MinuteMetrics } from '../judge.js';
import type { CarriedState, HookSettings } from './details.js';

/** The blue/green wiring of a service's load balancer (`loadBalancers[].advancedConfiguration`). */
export interface BlueGreenWiring {
  /** The primary target group of the service's load balancer entry. */
  targetGroupArn: string;
  alternateTargetGroupArn: string;
  productionListenerRule: string;
  testListenerRule?: string;
}

/** A listener rule as read: its action types and the target groups its forward action sends to, with weights. */
export interface ForwardRule {
  ruleArn: string;
  actionTypes: string[];
  targetGroups: { arn: string; weight: number }[];
}

/** Which target group serves which revision in this deployment. */
export interface Sides {
  green: string;
  blue: string;
}

/** Everything the planner decides a stage from: the payload, the carried state and what AWS says now. */
export interface StageObservation {
  stage: LifecycleStage;
  /** The service deployment (the payload's `resourceArn`). */
  deploymentArn: string;
  executionId: string;
  targetRevisionArn: string;
  now: string;
  productionWeights: Record<string, number>;
  testWeights: Record<string, number>;
  settings: HookSettings;
  carried?: CarriedState;
  /** Undefined when the service's load balancer entry has no `advancedConfiguration`. */
  wiring?: BlueGreenWiring;
  /** The target group the target revision's resolved configuration names, when ECS says. */
  revisionTargetGroupArn?: string;
  productionRule?: ForwardRule;
  testRule?: ForwardRule;
  alarms: GateAlarm[];
  /** Gate alarms named in the settings or the service that CloudWatch does not know. */
  missingAlarms: string[];
  /** Per-minute ALB metrics of both sides since the stage began (production shifts only). */
  minutes?: { green: MinuteMetrics[]; blue: MinuteMetrics[] };
}

/** The planner's answer: ECS's status, why, the numbers behind it, and the state to carry to the next call. */
export interface StageDecision {
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  callBackDelay?: number;
  reason: string;
  evidence?: Evidence;
  carried: CarriedState;
}
