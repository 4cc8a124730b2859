import { planCanaryTick } from '#shared/canary/plan.js';
import { confirmWeights } from '#shared/canary/plan-parts.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryObservation, SideObservation } from '#shared/canary/types.js';
import { CanarySchema } from '#shared/config/canary.js';
import type { ControllerFactory, TickResult } from './planner.js';

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
const STABLE_TG = `${ARN}:targetgroup/stable/0000000000000001`;
const CANARY_TG = `${ARN}:targetgroup/canary/0000000000000002`;
const TASKS = 20;

const side = (service: string, targetGroupArn: string, tasks: number): SideObservation => ({
  service,
  desiredCount: tasks,
  runningCount: tasks,
  taskDefinition: 'td:1',
  deploying: false,
  targetGroupArn,
  healthyTargets: tasks,
  registeredTargets: tasks,
  deregistrationDelaySeconds: 0,
});

/**
 * The canary controller's own planner (`planCanaryTick`) behind the benchmark's controller interface: a canary that
 * starts at its first step's weight, whose scale-outs are healthy at once and whose weight writes land, so that what
 * the benchmark measures is the planner's decisions: judge, bake, maximum hold, rollback.
 */
export const canaryPlanner: ControllerFactory = (judge, rollout, startedAt) => {
  const config = CanarySchema.parse({
    name: 'bench',
    cluster: 'bench',
    ruleArn: `${ARN}:listener-rule/app/bench/1/2/3`,
    sides: [
      { service: 'stable', targetGroupArn: STABLE_TG },
      { service: 'canary', targetGroupArn: CANARY_TG },
    ],
    steps: [...rollout.steps],
    bakeMinutes: rollout.bakeMinutes,
    maxHoldMinutes: rollout.maxHoldMinutes,
    scaleDownDelaySeconds: 0,
  });
  const first = rollout.steps[0] as number;
  let record: CanaryRecord = {
    name: 'bench',
    release: 1,
    phase: 'ramping',
    step: 0,
    stepStartedAt: startedAt,
    stable: { service: 'stable', targetGroupArn: STABLE_TG },
    canary: { service: 'canary', targetGroupArn: CANARY_TG },
    taskDefinition: 'td:1',
    stableDesired: TASKS,
    written: { canary: first, stable: 100 - first, at: startedAt, verified: true, attempts: 1 },
    reason: 'bench',
    history: [],
  };
  let weights = { canary: first, stable: 100 - first };
  let canaryTasks = TASKS;
  return {
    canaryPercent: () => weights.canary,
    step: () => Math.max(record.step, 0) + 1,
    tick(now, canary, stable): TickResult {
      const observation: CanaryObservation = {
        now,
        forward: {
          targetGroups: [
            { targetGroupArn: STABLE_TG, weight: weights.stable },
            { targetGroupArn: CANARY_TG, weight: weights.canary },
          ],
        },
        stable: side('stable', STABLE_TG, TASKS),
        canary: side('canary', CANARY_TG, canaryTasks),
        alarms: [],
        metrics: { canary: [...canary], stable: [...stable] },
      };
      const plan = planCanaryTick({ config, record, observation, judge });
      record = plan.next ?? record;
      for (const intent of plan.intents) {
        if (intent.kind === 'set-desired-count' && intent.service === 'canary') canaryTasks = intent.to;
        if (intent.kind === 'set-weights') {
          weights = intent.weights;
          record = confirmWeights(record, config, now);
        }
      }
      if (record.phase === 'done') return 'complete';
      if (record.phase === 'rolling-back' || record.phase === 'rolled-back') return 'roll-back';
      if (record.phase === 'paused') return 'pause';
      return 'continue';
    },
  };
};
