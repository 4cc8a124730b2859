import { describe, expect, it } from 'vitest';
import { planStage } from '#shared/canary/hook/plan.js';
import type { CanaryJudge, JudgeVerdict } from '#shared/canary/judge.js';
import { minuteAt } from '../canary-judges/minutes.js';
import {
  BLUE,
  carriedFrom,
  GREEN,
  judge,
  observed,
  PROD_RULE,
  rule,
  TEST_RULE,
  TG_BLUE,
  TG_GREEN,
  tenPercentStep,
  wiring,
} from './observed.js';

/** A judge that always gives this verdict, with this evidence. */
const always = (outcome: JudgeVerdict['outcome'], evidence = { canaryErrors: 7 }): CanaryJudge => ({
  name: outcome,
  judge: () => ({ outcome, reason: `judged ${outcome}`, evidence }),
});
const DEPLOYMENT = 'arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/EZe5RNVLH6PPzHXINuP28';

describe('Deployment hook planner: what each answer says and carries', () => {
  it('names every firing gate alarm with its reason, and carries the failure from the first call', () => {
    // Prepare
    const alarms = [
      { name: 'web-5xx', state: 'ALARM', reason: 'Threshold Crossed' },
      { name: 'web-ok', state: 'OK' },
      { name: 'web-p99', state: 'ALARM' },
    ];

    // Act
    const decision = planStage(observed('post-scale-up', { alarms }), judge);

    // Assess
    const reason = 'gate alarm web-5xx is in ALARM (Threshold Crossed); web-p99 is in ALARM';
    expect(decision).toEqual({
      hookStatus: 'FAILED',
      reason,
      carried: {
        deploymentArn: DEPLOYMENT,
        stage: 'POST_SCALE_UP',
        executionId: '8b095b05-7bb0-4c56-a223-a3f61f4f9295',
        startedAt: minuteAt(20),
        judgements: 0,
        lastVerdict: 'FAILED',
        lastReason: reason,
      },
    });
  });

  it('names every gate alarm CloudWatch does not know', () => {
    // Act
    const decision = planStage(observed('post-scale-up', { missingAlarms: ['web-latency', 'web-p99'] }), judge);

    // Assess
    expect(decision.reason).toBe('gate alarm web-latency, web-p99 does not exist in CloudWatch');
  });

  it.each([
    ['pre-scale-up', 'PRE_SCALE_UP: no gate alarm in ALARM'],
    ['post-production-traffic-shift', 'POST_PRODUCTION_TRAFFIC_SHIFT: no gate alarm in ALARM'],
  ])('succeeds %s with or without blue/green wiring, saying no gate fired', (sample, reason) => {
    // Prepare
    const unwired = observed(sample);
    delete unwired.wiring;

    // Act
    const decisions = [planStage(observed(sample), judge), planStage(unwired, judge)];

    // Assess
    expect(decisions.map((d) => [d.hookStatus, d.reason])).toEqual([
      ['SUCCEEDED', reason],
      ['SUCCEEDED', reason],
    ]);
  });

  it('fails the production shift of a service without blue/green wiring', () => {
    // Prepare
    const o = tenPercentStep({ requests: 100, errors: 1 });
    delete o.wiring;

    // Act
    const decision = planStage(o, judge);

    // Assess
    expect(decision.reason).toBe(
      'the service has no load balancer with advancedConfiguration: nothing to judge green on',
    );
    expect(decision.hookStatus).toBe('FAILED');
  });

  it('checks the test rule at the test shift only, and only when the wiring names one', () => {
    // Prepare
    const broken = rule(TEST_RULE, [[TG_GREEN, 1]]);
    const noTestRule = observed('test-traffic-shift', { wiring: { ...wiring, testListenerRule: undefined } });
    delete noTestRule.testRule;

    // Act
    const atOtherStage = planStage(observed('post-test-traffic-shift', { testRule: broken }), judge);
    const unwired = planStage(noTestRule, judge);
    const atTestShift = planStage(observed('test-traffic-shift', { testRule: broken }), judge);

    // Assess
    expect([atOtherStage.hookStatus, unwired.hookStatus, atTestShift.hookStatus]).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'FAILED',
    ]);
  });

  it('passes the pre-production shift with what it checked, and whatever the weights when ECS names no green', () => {
    // Prepare
    const unnamed = observed('pre-production-traffic-shift', {
      productionWeights: { [BLUE]: 100 },
      productionRule: rule(PROD_RULE, [
        [TG_BLUE, 60],
        [TG_GREEN, 40],
      ]),
    });

    // Act
    const decisions = [planStage(observed('pre-production-traffic-shift'), judge), planStage(unnamed, judge)];

    // Assess
    expect(decisions.map((d) => [d.hookStatus, d.reason])).toEqual([
      ['SUCCEEDED', `listener rule ${PROD_RULE} forwards to both target groups`],
      ['SUCCEEDED', `listener rule ${PROD_RULE} forwards to both target groups`],
    ]);
  });

  it("fails the pre-production shift when green's own target group does not carry green's percent", () => {
    // Prepare: ECS says green has 0 %, but green's target group has all of the rule.
    const o = observed('pre-production-traffic-shift', {
      revisionTargetGroupArn: TG_GREEN,
      productionRule: rule(PROD_RULE, [
        [TG_BLUE, 0],
        [TG_GREEN, 100],
      ]),
    });

    // Act
    const decision = planStage(o, judge);

    // Assess
    expect(decision).toMatchObject({
      hookStatus: 'FAILED',
      reason: expect.stringContaining('ECS expects 0 % on green'),
    });
  });

  it('fails a production step whose rule broke before judging it', () => {
    // Prepare
    const o = tenPercentStep({ requests: 100, errors: 1 });
    o.productionRule = rule(PROD_RULE, [[TG_BLUE, 1]]);

    // Act
    const decision = planStage(o, always('pass'));

    // Assess
    expect(decision).toMatchObject({
      hookStatus: 'FAILED',
      reason: `listener rule ${PROD_RULE} does not forward to ${TG_GREEN}: ECS shifts weights between ${TG_BLUE} and ${TG_GREEN} only`,
    });
  });
});

describe('Deployment hook planner: the production step carried between calls', () => {
  it('carries the judged step in full: sides, weight, judgement count, verdict, reason and evidence', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 100, errors: 1 }), always('pass'));

    // Assess
    expect(decision).toEqual({
      hookStatus: 'SUCCEEDED',
      reason: 'judged pass',
      evidence: { canaryErrors: 7 },
      carried: {
        ...carriedFrom(minuteAt(0), { greenWeight: 10 }),
        stepStartedAt: minuteAt(0),
        greenTargetGroupArn: TG_GREEN,
        blueTargetGroupArn: TG_BLUE,
        judgements: 4,
        lastVerdict: 'pass',
        lastReason: 'judged pass',
        lastEvidence: { canaryErrors: 7 },
      },
    });
  });

  it('holds an inconclusive step with its evidence, and fails it with its evidence once held the longest hold exactly', () => {
    // Act
    const held = planStage(tenPercentStep({ requests: 100, errors: 1 }, 59), always('inconclusive'));
    const failed = planStage(tenPercentStep({ requests: 100, errors: 1 }, 60), always('inconclusive'));

    // Assess
    expect(held).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 60,
      reason: 'judged inconclusive',
      evidence: { canaryErrors: 7 },
      carried: { lastVerdict: 'inconclusive', lastEvidence: { canaryErrors: 7 }, judgements: 4 },
    });
    expect(failed).toMatchObject({
      hookStatus: 'FAILED',
      reason: 'still inconclusive after 60 minutes at 10 % (longest hold 60): judged inconclusive',
      evidence: { canaryErrors: 7 },
      carried: { lastVerdict: 'inconclusive', judgements: 4 },
    });
  });

  it('holds while no ALB metrics were read, carrying the step and an inconclusive verdict', () => {
    // Prepare
    const o = tenPercentStep({ requests: 100, errors: 1 });
    delete o.minutes;

    // Act
    const decision = planStage(o, always('pass'));

    // Assess
    expect(decision).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 60,
      reason: 'no ALB metrics were read',
      carried: {
        ...carriedFrom(minuteAt(0), { greenWeight: 10, judgements: 3 }),
        stepStartedAt: minuteAt(0),
        lastVerdict: 'inconclusive',
        lastReason: 'no ALB metrics were read',
      },
    });
  });

  it('keeps the step start and the weight seen when ECS repeats the weight or names no green', () => {
    // Prepare: a step seen at minute 5; no weight carried yet; ECS's weights without the target revision.
    const same = tenPercentStep({ requests: 100, errors: 1 });
    same.carried = carriedFrom(minuteAt(0), { greenWeight: 10, stepStartedAt: minuteAt(5) });
    const firstWeight = tenPercentStep({ requests: 100, errors: 1 });
    firstWeight.carried = carriedFrom(minuteAt(0));
    const unnamed = tenPercentStep({ requests: 100, errors: 1 });
    unnamed.productionWeights = { [BLUE]: 90 };

    // Act
    const [a, b, c] = [same, firstWeight, unnamed].map((o) => planStage(o, always('inconclusive')).carried);

    // Assess
    expect(a).toMatchObject({ stepStartedAt: minuteAt(5), greenWeight: 10 });
    expect(b).toMatchObject({ stepStartedAt: minuteAt(0), greenWeight: 10 });
    expect(c).toMatchObject({ stepStartedAt: minuteAt(0), greenWeight: 10 });
  });

  it('fails a step it cannot place after the longest hold, marking an unknown weight', () => {
    // Prepare
    const o = tenPercentStep({ requests: 100, errors: 1 }, 61);
    delete o.revisionTargetGroupArn;
    o.productionWeights = { [BLUE]: 100 };

    // Act
    const decision = planStage(o, always('pass'));

    // Assess
    expect(decision).toMatchObject({
      hookStatus: 'FAILED',
      reason:
        'still inconclusive after 61 minutes at ? % (longest hold 60): cannot tell which target group serves the green revision',
      carried: { lastVerdict: 'inconclusive', judgements: 3 },
    });
    expect(decision).not.toHaveProperty('evidence');
  });

  it('succeeds at 100 % green without judging, and judges at 99 %', () => {
    // Prepare
    const all = tenPercentStep({ requests: 100, errors: 1 });
    all.productionWeights = { [GREEN]: 100, [BLUE]: 0 };
    const almost = tenPercentStep({ requests: 100, errors: 1 });
    almost.productionWeights = { [GREEN]: 99, [BLUE]: 1 };

    // Act
    const decisions = [planStage(all, always('fail')), planStage(almost, always('fail'))];

    // Assess
    expect(decisions.map((d) => [d.hookStatus, d.carried.judgements])).toEqual([
      ['SUCCEEDED', 3],
      ['FAILED', 4],
    ]);
    expect(decisions[1]?.reason).toBe('green is worse than blue: judged fail');
  });
});
