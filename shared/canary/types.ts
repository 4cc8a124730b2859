import type { CanaryConfig } from '../config/canary.js';
import type { ScalableTarget } from '../services/scalable-target.js';
import type { ForwardSnapshot, PairWeights, WeightedTargetGroup } from '../targets/forward.js';
import type { CanaryJudge, JudgeVerdict, MinuteMetrics } from './judge.js';
import type { CanaryRecord } from './status.js';

/** One side as observed: its service and its target group. */
export interface SideObservation {
  service: string;
  desiredCount: number;
  runningCount: number;
  taskDefinition: string;
  /** ECS's own deployment strategy when it is BLUE_GREEN, LINEAR or CANARY: then ECS owns the weights. */
  ecsStrategy?: string;
  /** True while ECS still replaces tasks of an older task definition (more than one deployment). */
  deploying: boolean;
  targetGroupArn: string;
  healthyTargets: number;
  registeredTargets: number;
  deregistrationDelaySeconds: number;
  /** The service's Application Auto Scaling bounds, when it has a scalable target. */
  scalableTarget?: ScalableTarget;
}

/** A gate alarm and its state. */
export interface AlarmObservation {
  name: string;
  state: string;
}

/** Everything one tick decides from, as plain data. */
export interface CanaryObservation {
  now: string;
  /** The canary's forward action; undefined when the rule or listener no longer forwards. */
  forward?: ForwardSnapshot;
  canary: SideObservation;
  stable: SideObservation;
  alarms: AlarmObservation[];
  metrics: { canary: MinuteMetrics[]; stable: MinuteMetrics[] };
}

export interface CanaryTickInput {
  config: CanaryConfig;
  record: CanaryRecord;
  observation: CanaryObservation;
  judge: CanaryJudge;
}

/** How healthy each side is against what the weights about to be written need of it. */
export interface WeightBasis {
  canaryHealthy: number;
  canaryNeeded: number;
  stableHealthy: number;
  stableNeeded: number;
}

/** Something the tick wants done in AWS, in the order given; the executor carries it out. */
export type CanaryIntent =
  | {
      kind: 'set-task-definition';
      service: string;
      from: string;
      to: string;
      why: string;
    }
  | {
      kind: 'set-desired-count';
      service: string;
      from: number;
      to: number;
      /** The side's target-group weight when planned: a side with weight is never scaled in. */
      weightNow: number;
      why: string;
    }
  | {
      kind: 'set-scalable-target-bounds';
      service: string;
      resourceId: string;
      from: { min: number; max: number };
      to: { min: number; max: number };
      why: string;
    }
  | {
      kind: 'set-weights';
      /** The forward action as observed, and as it must be after the write. */
      before: WeightedTargetGroup[];
      after: WeightedTargetGroup[];
      weights: PairWeights;
      basis: WeightBasis;
      why: string;
    };

/** A gate's result, for status and alerts. */
export interface GateResult {
  gate: 'window' | 'bake' | 'alarms' | 'judge' | 'capacity' | 'weights';
  ok: boolean;
  detail: string;
}

export type CanaryDecision = 'start' | 'promote' | 'hold' | 'roll-back' | 'complete' | 'pause' | 'scale-down' | 'idle';

/** What one tick decided, the intents in order and the record to write (undefined when nothing changes). */
export interface CanaryTickPlan {
  decision: CanaryDecision;
  reason: string;
  intents: CanaryIntent[];
  next?: CanaryRecord;
  /**
   * The record to write once every intent of the tick landed: what the writes make true is recorded only then, so a
   * tick that fails between its claim and its writes leaves the work for the next tick.
   */
  landed?: CanaryRecord;
  gates: GateResult[];
  verdict?: JudgeVerdict;
  /** A paused canary or a failed safety check: the alert must say so loudly. */
  critical?: boolean;
}
