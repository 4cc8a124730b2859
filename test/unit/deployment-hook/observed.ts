/** The planner's inputs for the deployment hook's unit tests: the guide's payloads as observed stages. */
import { type CarriedState, HookSettingsSchema } from '#shared/canary/hook/details.js';
import type { ForwardRule, StageObservation } from '#shared/canary/hook/types.js';
import { sequentialJudgeWith } from '#shared/canary/judges/sequential-settings.js';
import { LifecycleHookEventSchema } from '#shared/events/lifecycle-hook.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';
import { minuteAt, side } from '../canary-judges/minutes.js';

export const GREEN = 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/9313423515462893900';
export const BLUE = 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/1920498462936580504';
export const elb = 'arn:aws:elasticloadbalancing:us-west-2:123456789012';
export const TG_BLUE = `${elb}:targetgroup/web-blue/1111111111111111`;
export const TG_GREEN = `${elb}:targetgroup/web-green/2222222222222222`;
export const PROD_RULE = `${elb}:listener-rule/app/web/3333333333333333/4444444444444444/5555555555555555`;
export const TEST_RULE = `${elb}:listener-rule/app/web/3333333333333333/6666666666666666/7777777777777777`;
export const wiring = {
  targetGroupArn: TG_BLUE,
  alternateTargetGroupArn: TG_GREEN,
  productionListenerRule: PROD_RULE,
  testListenerRule: TEST_RULE,
};

/** A rule forwarding to the given target groups with these weights. */
export const rule = (ruleArn: string, groups: [string, number][], actionTypes = ['forward']): ForwardRule => ({
  ruleArn,
  actionTypes,
  targetGroups: groups.map(([arn, weight]) => ({ arn, weight })),
});

/** The stage as observed from one of the guide's payloads, with a healthy wiring, and what the test changes. */
export function observed(sample: string, change: Partial<StageObservation> = {}): StageObservation {
  const event = v.parse(LifecycleHookEventSchema, loadEvent(`ecs-lifecycle-hook/${sample}`));
  return {
    stage: event.lifecycleStage,
    deploymentArn: event.resourceArn,
    executionId: event.executionId,
    targetRevisionArn: event.executionDetails.targetServiceRevisionArn,
    now: minuteAt(20),
    productionWeights: event.executionDetails.productionTrafficWeights,
    testWeights: event.executionDetails.testTrafficWeights,
    settings: v.parse(HookSettingsSchema, {}),
    wiring,
    productionRule: rule(PROD_RULE, [
      [TG_BLUE, 100],
      [TG_GREEN, 0],
    ]),
    testRule: rule(TEST_RULE, [
      [TG_BLUE, 0],
      [TG_GREEN, 100],
    ]),
    alarms: [{ name: 'web-5xx', state: 'OK' }],
    missingAlarms: [],
    ...change,
  };
}

/** What an earlier call of the production shift of the guide's deployment carried, begun at `startedAt`. */
export function carriedFrom(startedAt: string, more: Partial<CarriedState> = {}): CarriedState {
  return {
    deploymentArn: 'arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/EZe5RNVLH6PPzHXINuP28',
    stage: 'PRODUCTION_TRAFFIC_SHIFT',
    executionId: 'f4fcae0f-9bec-41c6-ba87-0eaa0cef8af5',
    startedAt,
    judgements: 0,
    ...more,
  };
}

/** A LINEAR step of 10 % to green, begun at minute 0, with both sides' minutes since then. */
export function tenPercentStep(green: { errors: number; requests: number }, minutes = 20): StageObservation {
  return observed('production-traffic-shift', {
    productionWeights: { [GREEN]: 10, [BLUE]: 90 },
    productionRule: rule(PROD_RULE, [
      [TG_BLUE, 90],
      [TG_GREEN, 10],
    ]),
    revisionTargetGroupArn: TG_GREEN,
    carried: carriedFrom(minuteAt(0), { judgements: 3, greenWeight: 10 }),
    now: minuteAt(minutes),
    minutes: {
      green: side(minutes, { ...green, latencySeconds: 0.1 }),
      blue: side(minutes, { requests: 900, errors: 9, latencySeconds: 0.1 }),
    },
  });
}

export const judge = sequentialJudgeWith();
export const firing = [{ name: 'web-5xx', state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [12.0] > 5' }];
