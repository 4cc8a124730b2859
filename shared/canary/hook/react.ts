import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InvalidEventError } from '../../events/errors.js';
import type { LifecycleHookAnswer, LifecycleHookEvent } from '../../events/lifecycle-hook.js';
import * as v from '../../validation/input-schema.js';
import { describeIssues } from '../../validation/issues.js';
import { observeGateAlarms } from '../gate-alarms.js';
import { sequentialJudgeWith } from '../judges/sequential-settings.js';
import { readSideMinutes } from '../metrics.js';
import { CARRIED_KEY, carriedStateOf, HookSettingsSchema, userDetailsOf } from './details.js';
import { greenPercent, isShiftBackToBlue, shiftedWeights, sidesOf } from './forwarding.js';
import { observeRevisionTargetGroup, observeRules, observeService } from './observe.js';
import { planStage } from './plan.js';
import type { StageObservation } from './types.js';

export interface HookDependencies {
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  logger: Logger;
  now?: () => Date;
}

/**
 * Answers one invocation of the ECS lifecycle hook: observe (service wiring, listener rules, gate alarms, both target
 * groups' ALB minutes since this stage's hook began) → plan (stage → answer) → report (a log line with the reason and
 * evidence, and the state carried in `hookDetails`). A shift back to blue is answered before any AWS call.
 */
export async function answerLifecycleHook(
  event: LifecycleHookEvent,
  deps: HookDependencies,
): Promise<LifecycleHookAnswer> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const details = event.hookDetails ?? {};
  const user = userDetailsOf(details);
  const stage = event.lifecycleStage;
  const target = event.executionDetails.targetServiceRevisionArn;
  const production = event.executionDetails.productionTrafficWeights;
  const test = event.executionDetails.testTrafficWeights;
  const carried = carriedStateOf(details, { deploymentArn: event.resourceArn, stage });
  const settingsResult = v.safeParse(HookSettingsSchema, user);
  const rollback = isShiftBackToBlue(stage, shiftedWeights(stage, { production, test }), target, carried);
  if (!rollback && !settingsResult.success) {
    throw new InvalidEventError('lifecycle hook hookDetails', describeIssues(settingsResult.issues), {
      cause: settingsResult.issues,
    });
  }
  const settings = settingsResult.success ? settingsResult.output : v.parse(HookSettingsSchema, {});
  const observation: StageObservation = {
    stage,
    deploymentArn: event.resourceArn,
    executionId: event.executionId,
    targetRevisionArn: target,
    now,
    productionWeights: production,
    testWeights: test,
    settings,
    ...(carried ? { carried } : {}),
    alarms: [],
    missingAlarms: [],
  };
  if (!rollback) await observe(observation, event.executionDetails.serviceArn, deps);
  const decision = planStage(observation, sequentialJudgeWith(settings.judge ?? {}));
  deps.logger.info(`lifecycle hook ${stage}: ${decision.hookStatus}`, {
    executionId: event.executionId,
    serviceArn: event.executionDetails.serviceArn,
    targetServiceRevisionArn: target,
    hookStatus: decision.hookStatus,
    reason: decision.reason,
    evidence: decision.evidence,
  });
  return {
    hookStatus: decision.hookStatus,
    ...(decision.callBackDelay !== undefined ? { callBackDelay: decision.callBackDelay } : {}),
    hookDetails: { ...user, [CARRIED_KEY]: decision.carried },
  };
}

/** Fills the observation with what AWS says now; reads only what the stage needs. */
async function observe(o: StageObservation, serviceArn: string, deps: HookDependencies): Promise<void> {
  const { wiring, deploymentAlarms } = await observeService(deps.ecs, serviceArn);
  const gates = await observeGateAlarms(deps.cloudwatch, [...o.settings.alarmNames, ...deploymentAlarms]);
  o.alarms = gates.alarms;
  o.missingAlarms = gates.missing;
  if (wiring === undefined) return;
  o.wiring = wiring;
  const shiftsProduction = o.stage === 'PRODUCTION_TRAFFIC_SHIFT' || o.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT';
  const ruleArn = shiftsProduction
    ? wiring.productionListenerRule
    : o.stage === 'TEST_TRAFFIC_SHIFT'
      ? wiring.testListenerRule
      : undefined;
  if (ruleArn === undefined) return;
  const [rule] = await observeRules(deps.elb, [ruleArn]);
  if (shiftsProduction) {
    if (rule) o.productionRule = rule;
    const pair = [wiring.targetGroupArn, wiring.alternateTargetGroupArn];
    const revisionTargetGroup = await observeRevisionTargetGroup(deps.ecs, o.targetRevisionArn, pair);
    if (revisionTargetGroup) o.revisionTargetGroupArn = revisionTargetGroup;
  } else if (rule) {
    o.testRule = rule;
  }
  if (o.stage !== 'PRODUCTION_TRAFFIC_SHIFT') return;
  const { green } = greenPercent(o.productionWeights, o.targetRevisionArn);
  const sides = sidesOf(wiring, o.revisionTargetGroupArn, o.productionRule, green);
  if (sides === undefined || (green !== undefined && green >= 100)) return;
  const minutes = await readSideMinutes(deps.cloudwatch, {
    actionArn: wiring.productionListenerRule,
    canaryTargetGroupArn: sides.green,
    stableTargetGroupArn: sides.blue,
    from: o.carried?.startedAt ?? o.now,
    now: o.now,
  });
  o.minutes = { green: minutes.canary, blue: minutes.stable };
}
