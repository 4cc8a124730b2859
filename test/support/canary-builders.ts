import type { MinuteMetrics } from '#shared/canary/judge.js';
import { judgeFor } from '#shared/canary/judges/for-config.js';
import { planCanaryTick } from '#shared/canary/plan.js';
import { confirmWeights } from '#shared/canary/plan-parts.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryObservation, CanaryTickPlan, SideObservation } from '#shared/canary/types.js';
import { type CanaryConfig, type CanaryConfigInput, CanarySchema } from '#shared/config/canary.js';
import { ACCOUNT, REGION } from './builders.js';

export const TG_BLUE = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web-blue/0123456789abcdef`;
export const TG_GREEN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web-green/fedcba9876543210`;
export const TG_OTHER = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web-legacy/aaaabbbbccccdddd`;
export const RULE = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
export const TD_OLD = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:41`;
export const TD_NEW = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:42`;
export const T0 = '2026-11-24T10:00:00.000Z';

/** A canary on a listener rule between web-blue (stable) and web-green, no windows, 1-minute bake. */
export function canaryConfig(overrides: Partial<CanaryConfigInput> = {}): CanaryConfig {
  return CanarySchema.parse({
    name: 'web',
    cluster: 'prod',
    ruleArn: RULE,
    sides: [
      { service: 'web-blue', targetGroupArn: TG_BLUE },
      { service: 'web-green', targetGroupArn: TG_GREEN },
    ],
    bakeMinutes: 1,
    scaleDownDelaySeconds: 60,
    // The planner's tests were written against the threshold judge's limits.
    judge: { kind: 'threshold' },
    ...overrides,
  });
}

export function side(overrides: Partial<SideObservation> = {}): SideObservation {
  return {
    service: 'web-blue',
    desiredCount: 10,
    runningCount: 10,
    taskDefinition: TD_OLD,
    deploying: false,
    targetGroupArn: TG_BLUE,
    healthyTargets: 10,
    registeredTargets: 10,
    deregistrationDelaySeconds: 30,
    ...overrides,
  };
}

/** A pending release: web-green is the canary for TD_NEW, web-blue has all the weight (100/0). */
export function pendingRecord(overrides: Partial<CanaryRecord> = {}): CanaryRecord {
  return {
    name: 'web',
    release: 1,
    phase: 'pending',
    step: -1,
    stable: { service: 'web-blue', targetGroupArn: TG_BLUE },
    canary: { service: 'web-green', targetGroupArn: TG_GREEN },
    taskDefinition: TD_NEW,
    stableDesired: 10,
    written: { canary: 0, stable: 100, at: T0, verified: true, attempts: 0 },
    reason: 'release 1',
    history: [],
    ...overrides,
  };
}

/** Minutes of traffic for one side, `count` of them ending at `now`. */
export function minutes(now: string, count: number, requests: number, errors: number, latency = 0.1): MinuteMetrics[] {
  return Array.from({ length: count }, (_, i) => ({
    at: new Date(Date.parse(now) - (count - i) * 60_000).toISOString(),
    requests,
    errors,
    latencySeconds: latency,
  }));
}

/** The world as the planner sees it: a stable blue side with all the weight and an idle green side. */
export function observation(overrides: Partial<CanaryObservation> = {}): CanaryObservation {
  const now = overrides.now ?? T0;
  return {
    now,
    forward: {
      targetGroups: [
        { targetGroupArn: TG_BLUE, weight: 100 },
        { targetGroupArn: TG_GREEN, weight: 0 },
      ],
    },
    stable: side(),
    canary: side({
      service: 'web-green',
      targetGroupArn: TG_GREEN,
      desiredCount: 0,
      runningCount: 0,
      healthyTargets: 0,
      registeredTargets: 0,
    }),
    alarms: [],
    metrics: { canary: minutes(now, 5, 1000, 0), stable: minutes(now, 5, 9000, 0) },
    ...overrides,
  };
}

export const judge = (config: CanaryConfig) => judgeFor(config.judge);

/**
 * Carries a plan's intents out on the observed world as AWS would (desired tasks start healthy at once, weights land
 * unless `dropWrites`), and confirms landed weights as the promoter's read-back does. Pure.
 */
export function applyPlan(
  config: CanaryConfig,
  record: CanaryRecord,
  obs: CanaryObservation,
  plan: CanaryTickPlan,
  options: { dropWrites?: boolean; healthyOnScale?: boolean } = {},
): { record: CanaryRecord; obs: CanaryObservation } {
  let next = plan.next ?? record;
  const world = structuredClone(obs);
  for (const intent of plan.intents) {
    const sideOf = (service: string) => (world.canary.service === service ? world.canary : world.stable);
    if (intent.kind === 'set-task-definition') sideOf(intent.service).taskDefinition = intent.to;
    if (intent.kind === 'set-scalable-target-bounds') {
      sideOf(intent.service).scalableTarget = { resourceId: intent.resourceId, ...intent.to };
    }
    if (intent.kind === 'set-desired-count') {
      const s = sideOf(intent.service);
      s.desiredCount = intent.to;
      s.runningCount = intent.to;
      if (options.healthyOnScale !== false) {
        s.healthyTargets = intent.to;
        s.registeredTargets = intent.to;
      }
    }
    if (intent.kind === 'set-weights' && !options.dropWrites && world.forward) {
      world.forward.targetGroups = intent.after.map((tg) => ({ ...tg }));
      next = confirmWeights(next, config, obs.now);
    }
  }
  // Every write lands here: what a plan records once its writes landed is the record.
  if (plan.landed) next = plan.landed;
  return { record: next, obs: world };
}

/** Runs ticks a minute apart from `obs.now` until the canary leaves `ramping`/`pending`, or `limit` ticks. */
export function runTicks(
  config: CanaryConfig,
  start: { record: CanaryRecord; obs: CanaryObservation },
  limit: number,
  tweak: (obs: CanaryObservation, tick: number) => CanaryObservation = (o) => o,
): { record: CanaryRecord; obs: CanaryObservation; plans: CanaryTickPlan[] } {
  let { record, obs } = start;
  const plans: CanaryTickPlan[] = [];
  for (let tick = 0; tick < limit; tick += 1) {
    obs = tweak(obs, tick);
    const plan = planCanaryTick({ config, record, observation: obs, judge: judge(config) });
    plans.push(plan);
    ({ record, obs } = applyPlan(config, record, obs, plan));
    const now = new Date(Date.parse(obs.now) + 60_000).toISOString();
    obs = { ...obs, now, metrics: { canary: minutes(now, 5, 1000, 0), stable: minutes(now, 5, 9000, 0) } };
    if (record.phase === 'done' && record.idleScaledDown) break;
  }
  return { record, obs, plans };
}

/** A release ramping at step `step` (percent of the default steps) whose weights have been read back. */
export function ramping(step: number, weights: [number, number], stepStartedAt = T0): CanaryRecord {
  return pendingRecord({
    phase: 'ramping',
    step,
    stepStartedAt,
    written: { canary: weights[0], stable: weights[1], at: T0, verified: true, attempts: 1 },
  });
}

export function atWeights(
  canaryWeight: number,
  stableWeight: number,
  canaryTasks: number,
  now = T0,
): CanaryObservation {
  return observation({
    now,
    forward: {
      targetGroups: [
        { targetGroupArn: TG_BLUE, weight: stableWeight },
        { targetGroupArn: TG_GREEN, weight: canaryWeight },
      ],
    },
    canary: side({
      service: 'web-green',
      targetGroupArn: TG_GREEN,
      taskDefinition: TD_NEW,
      desiredCount: canaryTasks,
      runningCount: canaryTasks,
      healthyTargets: canaryTasks,
      registeredTargets: canaryTasks,
    }),
  });
}
