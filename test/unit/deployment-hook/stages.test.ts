import { describe, expect, it } from 'vitest';
import { planStage } from '#shared/canary/hook/plan.js';
import { minuteAt } from '../canary-judges/minutes.js';
import {
  BLUE,
  carriedFrom,
  elb,
  firing,
  GREEN,
  judge,
  observed,
  PROD_RULE,
  rule,
  TEST_RULE,
  TG_BLUE,
  TG_GREEN,
  tenPercentStep,
} from './observed.js';

describe('Deployment hook planner: stages, gates, listener rules and rollbacks', () => {
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
    o.carried = carriedFrom(minuteAt(0), { judgements: 2, greenWeight: 30 });

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
