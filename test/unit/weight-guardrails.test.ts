import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SetDesiredCountAction, SetForwardWeightsAction } from '#shared/executor/actions.js';
import { guard } from '#shared/executor/guardrails.js';
import { TG_WEB, TG_WEB_CANARY } from '#test/support/builders.js';
import { fuzzRuns } from '#test/support/fuzz-runs.js';

const subject = { clusterName: 'prod', serviceName: 'web' };
const numRuns = fuzzRuns(300);

function weights(
  to: Record<string, number>,
  basis: SetForwardWeightsAction['basis'] = [{ targetGroupArn: TG_WEB_CANARY, healthy: 2, needed: 2 }],
): SetForwardWeightsAction {
  return {
    kind: 'set-forward-weights',
    subject,
    actionArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/alb/1/2/3',
    weights: to,
    expected: {
      targetGroups: [
        { targetGroupArn: TG_WEB, weight: 95 },
        { targetGroupArn: TG_WEB_CANARY, weight: 5 },
      ],
    },
    basis,
    why: 'test',
    attempts: 2,
  };
}

describe('Guardrails: weights', () => {
  it('refuses a weight for a target group the forward action does not hold, naming it', () => {
    expect(guard(weights({ 'arn:other': 10 }))).toEqual({
      allowed: false,
      rule: 'weights',
      why: 'not in the forward action: arn:other',
    });
  });

  it('names every target group the forward action does not hold', () => {
    expect(guard(weights({ 'arn:one': 10, 'arn:two': 20 }))).toMatchObject({
      why: 'not in the forward action: arn:one, arn:two',
    });
  });

  it('refuses a weight above 999 even for a side with all the healthy targets it needs, naming it', () => {
    // Prepare
    const healthyStable = [{ targetGroupArn: TG_WEB, healthy: 3, needed: 3 }];

    // Act
    const verdict = guard(weights({ [TG_WEB]: 1000 }, healthyStable));

    // Assess
    expect(verdict).toEqual({
      allowed: false,
      rule: 'weights',
      why: `weight 1000 of ${TG_WEB} is not an integer from 0 to 999`,
    });
  });

  it("judges each side by its own health basis, not another side's", () => {
    // Prepare
    const basis = [
      { targetGroupArn: TG_WEB, healthy: 3, needed: 3 },
      { targetGroupArn: TG_WEB_CANARY, healthy: 1, needed: 2 },
    ];

    // Act
    const verdict = guard(weights({ [TG_WEB]: 75, [TG_WEB_CANARY]: 25 }, basis));

    // Assess
    expect(verdict).toEqual({
      allowed: false,
      rule: 'healthy-capacity',
      why: 'web-canary would get weight 25 with 1 healthy targets, 2 needed',
    });
  });

  it('lets a side short of healthy targets keep its weight while another side gives some up', () => {
    // Prepare
    const shortCanary = [{ targetGroupArn: TG_WEB_CANARY, healthy: 0, needed: 2 }];

    // Act
    const verdict = guard(weights({ [TG_WEB]: 90, [TG_WEB_CANARY]: 5 }, shortCanary));

    // Assess
    expect(verdict).toEqual({ allowed: true });
  });

  it('refuses to raise the weight of a side short of healthy targets, saying how short', () => {
    expect(
      guard(weights({ [TG_WEB]: 75, [TG_WEB_CANARY]: 25 }, [{ targetGroupArn: TG_WEB_CANARY, healthy: 1, needed: 2 }])),
    ).toEqual({
      allowed: false,
      rule: 'healthy-capacity',
      why: 'web-canary would get weight 25 with 1 healthy targets, 2 needed',
    });
  });

  it('refuses to raise the weight of a side whose health was not observed', () => {
    expect(guard(weights({ [TG_WEB]: 75, [TG_WEB_CANARY]: 25 }, []))).toEqual({
      allowed: false,
      rule: 'healthy-capacity',
      why: 'web-canary would get weight 25 with unknown healthy targets, ? needed',
    });
  });

  it('allows raising a side with exactly the healthy targets it needs, and lowering one with no basis of its own', () => {
    expect(guard(weights({ [TG_WEB]: 75, [TG_WEB_CANARY]: 25 }))).toEqual({ allowed: true });
    expect(
      guard(weights({ [TG_WEB]: 100, [TG_WEB_CANARY]: 0 }, [{ targetGroupArn: TG_WEB, healthy: 3, needed: 3 }])),
    ).toEqual({ allowed: true });
  });

  it('never allows weights outside 0-999, more than 5 target groups, or all zero', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: -5, max: 1005 }), { minLength: 7, maxLength: 7 }),
        (count, raw) => {
          // Prepare
          const arns = Array.from({ length: count }, (_, i) => `${TG_WEB}${i}`);
          const action: SetForwardWeightsAction = {
            ...weights({}),
            weights: Object.fromEntries(arns.map((arn, i) => [arn, raw[i] as number])),
            expected: { targetGroups: arns.map((arn) => ({ targetGroupArn: arn, weight: 0 })) },
            basis: arns.map((arn) => ({ targetGroupArn: arn, healthy: 5, needed: 1 })),
          };

          // Act
          const verdict = guard(action);

          // Assess
          if (!verdict.allowed) return;
          const after = Object.values(action.weights);
          expect(after.length).toBeLessThanOrEqual(5);
          expect(after.every((w) => Number.isInteger(w) && w >= 0 && w <= 999)).toBe(true);
          expect(after.some((w) => w > 0)).toBe(true);
        },
      ),
      { numRuns },
    );
  });
});

describe('Guardrails: traffic and ECS-owned strategies', () => {
  const scaleIn = (trafficWeight?: number): SetDesiredCountAction => ({
    kind: 'set-desired-count',
    subject,
    clusterName: 'prod',
    serviceName: 'web',
    from: 4,
    to: 3,
    direction: 'in',
    why: 'test',
    basis: {
      bounds: { min: 1, max: 10 },
      direction: 'in',
      cooldownSeconds: 0,
      now: '2026-11-24T12:00:00Z',
      ...(trafficWeight === undefined ? {} : { trafficWeight }),
    },
  });

  it('never scales in a side that still takes traffic, naming its weight', () => {
    expect(guard(scaleIn(5))).toEqual({
      allowed: false,
      rule: 'weighted-scale-in',
      why: 'its target group has weight 5 in the forward action: a side with traffic is never scaled in',
    });
    expect(guard(scaleIn(0))).toEqual({ allowed: true });
    expect(guard(scaleIn())).toEqual({ allowed: true });
  });

  it('scales out a side that takes traffic: more tasks behind its weight only help', () => {
    // Prepare
    const scaleOut: SetDesiredCountAction = {
      ...scaleIn(5),
      from: 3,
      to: 4,
      direction: 'out',
      basis: { ...scaleIn(5).basis, direction: 'out' },
    };

    // Act
    const verdict = guard(scaleOut);

    // Assess
    expect(verdict).toEqual({ allowed: true });
  });

  it("refuses a task definition change on a service whose weights ECS's own strategies own", () => {
    const change = (strategy?: string) =>
      guard({
        kind: 'set-task-definition',
        subject,
        clusterName: 'prod',
        serviceName: 'web',
        taskDefinition: 'web:43',
        why: 'test',
        ...(strategy ? { strategy } : {}),
      });
    for (const strategy of ['BLUE_GREEN', 'LINEAR', 'CANARY']) {
      expect(change(strategy)).toEqual({
        allowed: false,
        rule: 'ecs-owned-weights',
        why: `web uses ECS's own ${strategy} deployment strategy: ECS owns those weights`,
      });
    }
    expect(change('ROLLING')).toEqual({ allowed: true });
    expect(change()).toEqual({ allowed: true });
  });
});
