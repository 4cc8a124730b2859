import { describe, expect, it } from 'vitest';
import { planScaling, resolveCount, SCALING_TAGS } from '#shared/alarms/plan.js';
import { resolveAlarmResource } from '#shared/alarms/resolve.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import {
  type Action,
  actionKey,
  type DeregisterTargetsAction,
  type SetDesiredCountAction,
} from '#shared/executor/actions.js';
import { guard } from '#shared/executor/guardrails.js';
import * as v from '#shared/validation/input-schema.js';
import { service } from '#test/support/alarm-events.js';
import { TG_WEB } from '#test/support/builders.js';
import { loadEvent } from '#test/support/fixtures.js';

describe('Alarms: planScaling', () => {
  const out = AlarmRuleSchema.parse({ reaction: 'scale-out', step: '50%', cooldownSeconds: 300 });
  const inward = AlarmRuleSchema.parse({ reaction: 'scale-in', step: 1, cooldownSeconds: 300 });
  if (out.reaction === 'deregister-unhealthy' || out.reaction === 'notify-only') throw new Error('unreachable');
  if (inward.reaction === 'deregister-unhealthy' || inward.reaction === 'notify-only') throw new Error('unreachable');
  const now = new Date('2026-11-24T12:00:00Z');
  const bounds = { minCount: 2, maxCount: 5 };

  it('scales out by a percent step, clamped to the configured maximum', () => {
    // Act
    const plan = planScaling({ rule: out, service, bounds, scalable: undefined, now, why: 'cpu' });

    // Assess
    expect(plan.actions[0]).toMatchObject({
      kind: 'set-desired-count',
      from: 4,
      to: 5,
      basis: { bounds: { min: 2, max: 5 } },
    });
    expect(plan.actions).toHaveLength(1);
  });

  it('does nothing at the bound, and says so', () => {
    const plan = planScaling({
      rule: out,
      service: { ...service, desiredCount: 5 },
      bounds,
      scalable: undefined,
      now,
      why: 'cpu',
    });
    expect(plan.actions).toEqual([]);
    expect(plan.notes[0]).toMatch(/already at the upper bound 5/);
  });

  it('never scales a service without bounds in the config', () => {
    const plan = planScaling({ rule: out, service, bounds: undefined, scalable: undefined, now, why: 'cpu' });
    expect(plan.notes[0]).toMatch(/no scaling bounds/);
  });

  it("raises a scalable target's min so Application Auto Scaling keeps the new capacity, never past its max", () => {
    // Act
    const plan = planScaling({
      rule: out,
      service,
      bounds: { minCount: 1, maxCount: 10 },
      scalable: { resourceId: 'service/prod/web', min: 2, max: 5 },
      now,
      why: 'cpu',
    });

    // Assess
    expect(plan.actions.map((a) => a.kind)).toEqual(['tag-service', 'set-scalable-target-bounds', 'set-desired-count']);
    expect(plan.actions[0]).toMatchObject({
      tags: { [SCALING_TAGS.minCapacityBaseline]: '2', [SCALING_TAGS.minCapacitySet]: '5' },
    });
    expect(plan.actions[1]).toMatchObject({ to: { min: 5, max: 5 }, after: actionKey(plan.actions[0] as Action) });
    expect(plan.actions[2]).toMatchObject({ to: 5 });
  });

  it('scales in no lower than the scalable target baseline, lowering the min it raised', () => {
    // Act
    const plan = planScaling({
      rule: inward,
      service: { ...service, desiredCount: 5, tags: { [SCALING_TAGS.minCapacityBaseline]: '2' } },
      bounds: { minCount: 1, maxCount: 10 },
      scalable: { resourceId: 'service/prod/web', min: 5, max: 5 },
      now,
      why: 'cpu low',
    });

    // Assess: the min it set is recorded once it moved, so that a min other than it reads as someone else's
    const move = actionKey(plan.actions[0] as Action);
    expect(plan.actions[0]).toMatchObject({ kind: 'set-scalable-target-bounds', to: { min: 4, max: 5 } });
    expect(plan.actions[0]).not.toHaveProperty('after');
    expect(plan.actions[1]).toMatchObject({
      kind: 'tag-service',
      tags: { [SCALING_TAGS.minCapacitySet]: '4' },
      after: move,
    });
    expect(plan.actions[1]).not.toHaveProperty(['tags', SCALING_TAGS.minCapacityBaseline]);
    expect(plan.actions[2]).toMatchObject({
      kind: 'set-desired-count',
      from: 5,
      to: 4,
      basis: { bounds: { min: 2 } },
      after: move,
    });
  });

  it("applies the episode's recorded target count, not a new step from the count observed now", () => {
    // Act: the first attempt decided 4 → 5 and failed before UpdateService landed; a retry observes 4 again
    const retried = planScaling({
      rule: out,
      service,
      bounds: { minCount: 1, maxCount: 10 },
      scalable: undefined,
      now,
      episode: { direction: 'out', from: 4, to: 5, decidedAt: '2026-11-24T11:59:00.000Z' },
      why: 'cpu',
    });
    const landed = planScaling({
      rule: out,
      service: { ...service, desiredCount: 5 },
      bounds: { minCount: 1, maxCount: 10 },
      scalable: undefined,
      now,
      episode: { direction: 'out', from: 4, to: 5, decidedAt: '2026-11-24T11:59:00.000Z' },
      why: 'cpu',
    });

    // Assess: the 50 % step would make 6 (from 4) or 8 (from 5); the episode says 5
    expect(retried.actions).toEqual([expect.objectContaining({ kind: 'set-desired-count', from: 4, to: 5 })]);
    expect(landed.actions).toEqual([]);
    expect(landed.notes[0]).toMatch(
      /this alarm episode scaled web out from 4 to 5 tasks .* \(reported, not changed twice\)/,
    );
  });

  it("carries another episode's last scale time, so the cooldown can be judged", () => {
    const last = '2026-11-24T11:58:00.000Z';
    const plan = planScaling({
      rule: out,
      service,
      lastScaledAt: last,
      bounds,
      scalable: undefined,
      now,
      why: 'cpu',
    });
    expect((plan.actions[0] as SetDesiredCountAction).basis.lastScaledAt).toBe(last);
  });

  it('resolves counts and percents, rounding up', () => {
    expect(resolveCount(3, 10)).toBe(3);
    expect(resolveCount('50%', 5)).toBe(3);
    expect(resolveCount('34%', 3)).toBe(2);
  });
});

describe('Guardrails: remediation and scaling', () => {
  const deregister = (basis: DeregisterTargetsAction['basis'], policy: DeregisterTargetsAction['policy']) =>
    guard({
      kind: 'deregister-targets',
      subject: { clusterName: 'prod', serviceName: 'web' },
      targetGroupArn: TG_WEB,
      targets: [{ id: '10.0.1.3', port: 8080 }],
      why: 'alarm',
      basis,
      policy,
    });
  const scale = (to: number, basis: Partial<SetDesiredCountAction['basis']> = {}) =>
    guard({
      kind: 'set-desired-count',
      subject: { clusterName: 'prod', serviceName: 'web' },
      clusterName: 'prod',
      serviceName: 'web',
      from: 4,
      to,
      direction: to > 4 ? 'out' : 'in',
      why: 'alarm',
      basis: {
        bounds: { min: 2, max: 6 },
        direction: to > 4 ? 'out' : 'in',
        cooldownSeconds: 300,
        now: '2026-11-24T12:00:00Z',
        ...basis,
      },
    });

  it('refuses to deregister when every target is unhealthy (the ALB fails open)', () => {
    expect(deregister({ inService: 3, healthy: 0, removingHealthy: 0 }, { keepWhenAllUnhealthy: true })).toMatchObject({
      allowed: false,
      rule: 'all-unhealthy',
    });
  });

  it('refuses to deregister below minHealthy healthy targets', () => {
    expect(deregister({ inService: 4, healthy: 1, removingHealthy: 0 }, { minHealthy: 2 })).toMatchObject({
      allowed: false,
      rule: 'min-healthy',
    });
    expect(deregister({ inService: 4, healthy: 2, removingHealthy: 0 }, { minHealthy: 2 })).toEqual({ allowed: true });
  });

  it('refuses a desired count outside the bounds', () => {
    expect(scale(7)).toMatchObject({ allowed: false, rule: 'min-max' });
    expect(scale(1)).toMatchObject({ allowed: false, rule: 'min-max' });
    expect(scale(6)).toEqual({ allowed: true });
  });

  it('refuses a second scale in the same direction within the cooldown', () => {
    expect(scale(5, { lastScaledAt: '2026-11-24T11:58:00Z' })).toMatchObject({ allowed: false, rule: 'cooldown' });
    expect(scale(5, { lastScaledAt: '2026-11-24T11:54:00Z' })).toEqual({ allowed: true });
  });

  it("refuses to move a scalable target's min past its max", () => {
    expect(
      guard({
        kind: 'set-scalable-target-bounds',
        subject: { clusterName: 'prod', serviceName: 'web' },
        resourceId: 'service/prod/web',
        from: { min: 2, max: 5 },
        to: { min: 6, max: 5 },
        why: 'alarm',
      }),
    ).toMatchObject({ allowed: false, rule: 'scalable-target-bounds' });
  });
});

describe('Alarms: the events/ samples', () => {
  it.each([
    ['alarm-target-group-unhealthy-hosts', 'target-group'],
    ['alarm-target-group-recovered', 'target-group'],
    ['alarm-service-cpu-high', 'service'],
    ['alarm-service-cpu-low', 'service'],
    ['alarm-metric-math-5xx-rate', 'target-group'],
    ['alarm-composite', 'none'],
  ])('parses %s and resolves its resource as %s', (name, kind) => {
    // Act
    const event = v.parse(AlarmStateChangeEventSchema, loadEvent(name));

    // Assess
    expect(resolveAlarmResource(event).kind).toBe(kind);
  });
});
