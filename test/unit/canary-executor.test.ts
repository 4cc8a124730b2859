import { describe, expect, it } from 'vitest';
import { executorActions } from '#shared/canary/intents.js';
import { planCanaryTick } from '#shared/canary/plan.js';
import type { SetForwardWeightsAction } from '#shared/executor/actions.js';
import { guard } from '#shared/executor/guardrails.js';
import {
  canaryConfig,
  judge,
  observation,
  pendingRecord,
  side,
  TD_NEW,
  TG_BLUE,
  TG_GREEN,
} from '#test/support/canary-builders.js';

const subject = { clusterName: 'prod', serviceName: 'web-green' };

function weights(overrides: Partial<SetForwardWeightsAction> = {}): SetForwardWeightsAction {
  return {
    kind: 'set-forward-weights',
    subject,
    why: 'test',
    actionArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/web/1/2/3',
    weights: { [TG_GREEN]: 5, [TG_BLUE]: 95 },
    expected: {
      targetGroups: [
        { targetGroupArn: TG_BLUE, weight: 100 },
        { targetGroupArn: TG_GREEN, weight: 0 },
      ],
    },
    basis: [
      { targetGroupArn: TG_GREEN, healthy: 1, needed: 1 },
      { targetGroupArn: TG_BLUE, healthy: 10, needed: 10 },
    ],
    attempts: 3,
    ...overrides,
  };
}

describe('Guardrails: canary actions', () => {
  it('allows a weight step onto a side with the healthy targets it needs', () => {
    expect(guard(weights())).toEqual({ allowed: true });
  });

  it('refuses weight onto a side with fewer healthy targets than it needs', () => {
    const verdict = guard(weights({ basis: [{ targetGroupArn: TG_GREEN, healthy: 0, needed: 1 }] }));
    expect(verdict).toMatchObject({ allowed: false, rule: 'healthy-capacity' });
  });

  it('refuses weights above 999, an all-zero action and a target group not in the action', () => {
    expect(guard(weights({ weights: { [TG_GREEN]: 1000, [TG_BLUE]: 0 } }))).toMatchObject({ rule: 'weights' });
    expect(guard(weights({ weights: { [TG_GREEN]: 0, [TG_BLUE]: 0 } }))).toMatchObject({ rule: 'weights' });
    expect(guard(weights({ weights: { 'arn:other': 1 } }))).toMatchObject({ rule: 'weights' });
  });

  it('refuses to scale in a service whose target group has weight', () => {
    const verdict = guard({
      kind: 'set-desired-count',
      subject,
      why: 'test',
      clusterName: 'prod',
      serviceName: 'web-blue',
      from: 10,
      to: 0,
      direction: 'in',
      basis: {
        direction: 'in',
        cooldownSeconds: 0,
        now: '2026-11-24T10:00:00Z',
        bounds: { min: 0, max: 10 },
        trafficWeight: 5,
      },
    });
    expect(verdict).toMatchObject({ allowed: false, rule: 'weighted-scale-in' });
  });

  it("refuses a task definition change on a service with ECS's own canary strategy", () => {
    const verdict = guard({
      kind: 'set-task-definition',
      subject,
      why: 'test',
      clusterName: 'prod',
      serviceName: 'web-green',
      taskDefinition: TD_NEW,
      strategy: 'CANARY',
    });
    expect(verdict).toMatchObject({ allowed: false, rule: 'ecs-owned-weights' });
  });

  it("turns a tick's intents into actions the guardrails allow", () => {
    // Prepare
    const config = canaryConfig();
    const obs = observation({
      canary: side({
        service: 'web-green',
        targetGroupArn: TG_GREEN,
        taskDefinition: TD_NEW,
        desiredCount: 1,
        healthyTargets: 1,
      }),
    });
    const plan = planCanaryTick({ config, record: pendingRecord(), observation: obs, judge: judge(config) });

    // Act
    const actions = executorActions(config, pendingRecord(), obs, plan.intents);

    // Assess
    expect(actions).toEqual([
      expect.objectContaining({ kind: 'set-forward-weights', weights: { [TG_GREEN]: 5, [TG_BLUE]: 95 } }),
    ]);
    expect(actions.map(guard)).toEqual([{ allowed: true }]);
  });
});
