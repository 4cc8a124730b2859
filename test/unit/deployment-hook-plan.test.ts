import { describe, expect, it } from 'vitest';
import { HookSettingsSchema } from '#shared/canary/hook/details.js';
import { planStage } from '#shared/canary/hook/plan.js';
import type { ForwardRule, StageObservation } from '#shared/canary/hook/types.js';
import type { CanaryJudge, JudgeVerdict } from '#shared/canary/judge.js';
import { SequentialJudge } from '#shared/canary/judges/sequential.js';
import { LifecycleHookEventSchema } from '#shared/events/lifecycle-hook.js';
import { loadEvent } from '#test/support/fixtures.js';
import { minuteAt, side } from './canary-judges/minutes.js';

const GREEN = 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/9313423515462893900';
const BLUE = 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/1920498462936580504';
const elb = 'arn:aws:elasticloadbalancing:us-west-2:123456789012';
const TG_BLUE = `${elb}:targetgroup/web-blue/1111111111111111`;
const TG_GREEN = `${elb}:targetgroup/web-green/2222222222222222`;
const PROD_RULE = `${elb}:listener-rule/app/web/3333333333333333/4444444444444444/5555555555555555`;
const TEST_RULE = `${elb}:listener-rule/app/web/3333333333333333/6666666666666666/7777777777777777`;
const wiring = {
  targetGroupArn: TG_BLUE,
  alternateTargetGroupArn: TG_GREEN,
  productionListenerRule: PROD_RULE,
  testListenerRule: TEST_RULE,
};

/** A rule forwarding to the given target groups with these weights. */
const rule = (ruleArn: string, groups: [string, number][], actionTypes = ['forward']): ForwardRule => ({
  ruleArn,
  actionTypes,
  targetGroups: groups.map(([arn, weight]) => ({ arn, weight })),
});

/** The stage as observed from one of the guide's payloads, with a healthy wiring, and what the test changes. */
function observed(sample: string, change: Partial<StageObservation> = {}): StageObservation {
  const event = LifecycleHookEventSchema.parse(loadEvent(`ecs-lifecycle-hook/${sample}`));
  return {
    stage: event.lifecycleStage,
    executionId: event.executionId,
    targetRevisionArn: event.executionDetails.targetServiceRevisionArn,
    now: minuteAt(20),
    productionWeights: event.executionDetails.productionTrafficWeights,
    testWeights: event.executionDetails.testTrafficWeights,
    settings: HookSettingsSchema.parse({}),
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

/** A LINEAR step of 10 % to green, begun at minute 0, with both sides' minutes since then. */
function tenPercentStep(green: { errors: number; requests: number }, minutes = 20): StageObservation {
  return observed('production-traffic-shift', {
    productionWeights: { [GREEN]: 10, [BLUE]: 90 },
    productionRule: rule(PROD_RULE, [
      [TG_BLUE, 90],
      [TG_GREEN, 10],
    ]),
    revisionTargetGroupArn: TG_GREEN,
    carried: { executionId: 'f4fcae0f-9bec-41c6-ba87-0eaa0cef8af5', startedAt: minuteAt(0), judgements: 3 },
    now: minuteAt(minutes),
    minutes: {
      green: side(minutes, { ...green, latencySeconds: 0.1 }),
      blue: side(minutes, { requests: 900, errors: 9, latencySeconds: 0.1 }),
    },
  });
}

const judge = new SequentialJudge();
const firing = [{ name: 'web-5xx', state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [12.0] > 5' }];

describe('Deployment hook planner', () => {
  it.each(['pre-scale-up', 'post-scale-up', 'post-test-traffic-shift', 'post-production-traffic-shift'])(
    'succeeds at %s when no gate alarm is in ALARM',
    (sample) => {
      // Act
      const decision = planStage(observed(sample), judge);

      // Assess
      expect(decision.hookStatus).toBe('SUCCEEDED');
    },
  );

  it.each([
    'pre-scale-up',
    'post-scale-up',
    'test-traffic-shift',
    'post-test-traffic-shift',
    'pre-production-traffic-shift',
    'production-traffic-shift',
    'post-production-traffic-shift',
  ])('fails %s at once on a gate alarm that is already in ALARM', (sample) => {
    // Act
    const decision = planStage(observed(sample, { alarms: firing }), judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'FAILED', reason: expect.stringContaining('web-5xx is in ALARM') });
  });

  it('fails on a gate alarm that does not exist, since its gate is not there', () => {
    // Act
    const decision = planStage(observed('post-scale-up', { missingAlarms: ['web-latency'] }), judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'FAILED', reason: expect.stringContaining('web-latency') });
  });

  it('succeeds at RECONCILE_SERVICE, which shifts nothing', () => {
    // Act
    const decision = planStage(observed('pre-scale-up', { stage: 'RECONCILE_SERVICE' }), judge);

    // Assess
    expect(decision.hookStatus).toBe('SUCCEEDED');
  });

  it('succeeds at TEST_TRAFFIC_SHIFT when the test rule forwards to both target groups', () => {
    // Act
    const decision = planStage(observed('test-traffic-shift'), judge);

    // Assess
    expect(decision.hookStatus).toBe('SUCCEEDED');
  });

  it('fails TEST_TRAFFIC_SHIFT when the test rule forwards to one target group only', () => {
    // Prepare
    const testRule = rule(TEST_RULE, [[TG_GREEN, 1]]);

    // Act
    const decision = planStage(observed('test-traffic-shift', { testRule }), judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'FAILED', reason: expect.stringContaining(`forward to ${TG_BLUE}`) });
  });

  it('succeeds at PRE_PRODUCTION_TRAFFIC_SHIFT when the rule forwards to both with everything on blue', () => {
    // Act
    const decision = planStage(observed('pre-production-traffic-shift'), judge);

    // Assess
    expect(decision.hookStatus).toBe('SUCCEEDED');
  });

  it.each([
    ['forwards to blue only', rule(PROD_RULE, [[TG_BLUE, 1]]), `does not forward to ${TG_GREEN}`],
    [
      'also forwards to a third target group',
      rule(PROD_RULE, [
        [TG_BLUE, 100],
        [TG_GREEN, 0],
        [`${elb}:targetgroup/legacy/8888888888888888`, 1],
      ]),
      'also forwards to',
    ],
    [
      'carries other weights than ECS says',
      rule(PROD_RULE, [
        [TG_BLUE, 50],
        [TG_GREEN, 50],
      ]),
      'ECS expects 0 % on green',
    ],
    [
      'has a non-forward action',
      rule(
        PROD_RULE,
        [
          [TG_BLUE, 100],
          [TG_GREEN, 0],
        ],
        ['authenticate-oidc', 'forward'],
      ),
      'authenticate-oidc',
    ],
    ['is gone', undefined, 'was not found'],
  ])('fails PRE_PRODUCTION_TRAFFIC_SHIFT when the rule %s', (_, productionRule, says) => {
    // Prepare
    const o = observed('pre-production-traffic-shift');
    if (productionRule === undefined) delete o.productionRule;
    else o.productionRule = productionRule;

    // Act
    const decision = planStage(o, judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'FAILED', reason: expect.stringContaining(says) });
  });

  it('succeeds a production step whose green is healthy with enough traffic', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 100, errors: 1 }), judge);

    // Assess
    expect(decision.hookStatus).toBe('SUCCEEDED');
    expect(decision.carried).toMatchObject({ greenTargetGroupArn: TG_GREEN, judgements: 4, lastVerdict: 'pass' });
  });

  it('fails a production step whose green has three times the 5xx rate, with the evidence', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 100, errors: 3 }), judge);

    // Assess
    expect(decision.hookStatus).toBe('FAILED');
    expect(decision.reason).toMatch(/^green is worse than blue: canary 5xx 60\/2000/);
    expect(decision.evidence).toMatchObject({ canaryErrors: 60, canaryRequests: 2000, stableErrors: 180 });
  });

  it('holds a thin production step with a callback delay and carries when it began', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 5, errors: 0 }, 10), judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'IN_PROGRESS', callBackDelay: 60 });
    expect(decision.reason).toContain('too little traffic');
    expect(decision.carried).toMatchObject({ startedAt: minuteAt(0), greenWeight: 10, lastVerdict: 'inconclusive' });
  });

  it('fails a thin production step after the longest hold, saying why', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 3, errors: 0 }, 61), judge);

    // Assess
    expect(decision.hookStatus).toBe('FAILED');
    expect(decision.reason).toMatch(/^still inconclusive after 61 minutes \(longest hold 60\): too little traffic/);
  });

  it('never succeeds a production step on inconclusive evidence, however long it is held', () => {
    // Prepare
    const undecided: CanaryJudge = {
      name: 'undecided',
      judge: (): JudgeVerdict => ({ outcome: 'inconclusive', reason: 'not enough evidence', evidence: {} }),
    };

    // Act
    const statuses = new Set(
      [0, 1, 5, 30, 59, 60, 61, 120, 1440].map(
        (m) => planStage(tenPercentStep({ requests: 100, errors: 1 }, m), undecided).hookStatus,
      ),
    );

    // Assess
    expect(statuses).toEqual(new Set(['IN_PROGRESS', 'FAILED']));
  });

  it('starts the judged period at the first call of an execution', () => {
    // Prepare
    const o = tenPercentStep({ requests: 100, errors: 1 });
    delete o.carried;
    o.minutes = { green: [], blue: [] };

    // Act
    const decision = planStage(o, judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'IN_PROGRESS', carried: { startedAt: o.now, judgements: 1 } });
  });

  it('succeeds a production step that gives green everything: no blue traffic is left to compare', () => {
    // Act
    const decision = planStage(observed('production-traffic-shift', { revisionTargetGroupArn: TG_GREEN }), judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'SUCCEEDED', reason: expect.stringContaining('all production') });
  });

  it('tells green by the rule weights when ECS does not say, and holds on an even split', () => {
    // Prepare
    const even = tenPercentStep({ requests: 100, errors: 1 });
    delete even.revisionTargetGroupArn;
    even.productionWeights = { [GREEN]: 50, [BLUE]: 50 };
    even.productionRule = rule(PROD_RULE, [
      [TG_BLUE, 50],
      [TG_GREEN, 50],
    ]);
    const byWeight = tenPercentStep({ requests: 100, errors: 1 });
    delete byWeight.revisionTargetGroupArn;

    // Act
    const held = planStage(even, judge);
    const judged = planStage(byWeight, judge);

    // Assess
    expect(held).toMatchObject({ hookStatus: 'IN_PROGRESS', reason: expect.stringContaining('cannot tell') });
    expect(judged).toMatchObject({ hookStatus: 'SUCCEEDED', carried: { greenTargetGroupArn: TG_GREEN } });
  });

  it('succeeds the rollback shift back to blue, even with its alarm in ALARM and a broken rule', () => {
    // Act
    const decision = planStage(
      observed('production-traffic-shift-rollback', {
        alarms: firing,
        productionRule: rule(PROD_RULE, [[TG_BLUE, 1]]),
      }),
      judge,
    );

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'SUCCEEDED', reason: expect.stringContaining('rollback') });
  });

  it('recognises a shift toward blue by a weight lower than the one this execution saw', () => {
    // Prepare
    const o = tenPercentStep({ requests: 100, errors: 30 });
    o.carried = { executionId: o.executionId, startedAt: minuteAt(0), judgements: 2, greenWeight: 30 };

    // Act
    const decision = planStage(o, judge);

    // Assess
    expect(decision.hookStatus).toBe('SUCCEEDED');
  });

  it('succeeds the test traffic shift back to blue during a rollback', () => {
    // Act
    const decision = planStage(observed('test-traffic-shift', { testWeights: { [GREEN]: 0, [BLUE]: 100 } }), judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'SUCCEEDED', reason: expect.stringContaining('rollback') });
  });

  it('fails a production shift on a service without blue/green wiring', () => {
    // Prepare
    const o = observed('pre-production-traffic-shift');
    delete o.wiring;

    // Act
    const decision = planStage(o, judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'FAILED', reason: expect.stringContaining('advancedConfiguration') });
  });
});
