import { describe, expect, it } from 'vitest';
import { planScaling, SCALING_TAGS } from '#shared/alarms/plan.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';
import { actionKey } from '#shared/executor/actions.js';
import { service } from '#test/support/alarm-events.js';

const subject = { clusterName: 'prod', serviceName: 'web' };

function scalingRule(reaction: 'scale-out' | 'scale-in', step: number | string) {
  const rule = AlarmRuleSchema.parse({ reaction, step, cooldownSeconds: 300 });
  if (rule.reaction !== 'scale-out' && rule.reaction !== 'scale-in') throw new Error('not a scaling rule');
  return rule;
}

describe('Alarm planner: planScaling', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const cooldown = { direction: 'out', cooldownSeconds: 300, now: '2026-11-24T12:00:00.000Z' } as const;

  it('plans nothing at all for a service without bounds in the config', () => {
    expect(
      planScaling({
        rule: scalingRule('scale-out', 1),
        service,
        bounds: undefined,
        scalable: undefined,
        now,
        why: 'cpu',
      }),
    ).toEqual({ actions: [], notes: ['web has no scaling bounds in the config: it is never scaled'] });
  });

  it('scales out by the whole percent step when the bounds leave room, with nothing to note', () => {
    // Act: 50 % of 4 is 2
    const result = planScaling({
      rule: scalingRule('scale-out', '50%'),
      service,
      bounds: { minCount: 1, maxCount: 10 },
      scalable: undefined,
      now,
      why: 'cpu',
    });

    // Assess
    expect(result).toEqual({
      actions: [
        {
          kind: 'set-desired-count',
          subject,
          clusterName: 'prod',
          serviceName: 'web',
          from: 4,
          to: 6,
          direction: 'out',
          why: 'cpu',
          basis: { bounds: { min: 1, max: 10 }, ...cooldown, lastScaledAt: undefined },
        },
      ],
      notes: [],
    });
  });

  it('does not scale in a service already at its lower bound, and names the bound', () => {
    expect(
      planScaling({
        rule: scalingRule('scale-in', 1),
        service: { ...service, desiredCount: 2 },
        bounds: { minCount: 2, maxCount: 10 },
        scalable: undefined,
        now,
        why: 'cpu low',
      }),
    ).toEqual({ actions: [], notes: ['web is at 2 tasks, already at the lower bound 2'] });
  });

  it("reports a scale-in episode's step as done once the service runs its target count, and applies it before", () => {
    // Prepare
    const rule = scalingRule('scale-in', 1);
    const episode = { direction: 'in', from: 4, to: 3, decidedAt: '2026-11-24T11:59:00.000Z' } as const;
    const at = (desiredCount: number) =>
      planScaling({
        rule,
        service: { ...service, desiredCount },
        bounds: { minCount: 1, maxCount: 10 },
        scalable: undefined,
        now,
        episode,
        why: 'cpu low',
      });

    // Act
    const landed = at(3);
    const pending = at(4);

    // Assess
    expect(landed).toEqual({
      actions: [],
      notes: [
        'this alarm episode scaled web in from 4 to 3 tasks (decided 2026-11-24T11:59:00.000Z); it runs 3 desired tasks now (reported, not changed twice)',
      ],
    });
    expect(pending.actions).toMatchObject([{ kind: 'set-desired-count', from: 4, to: 3, direction: 'in' }]);
    expect(pending.notes).toEqual([
      'an earlier attempt of this alarm episode decided 4 → 3 tasks at 2026-11-24T11:59:00.000Z; the change is made now',
    ]);
  });

  it('writes the baseline, then the scalable min, then the desired count, each after the one before', () => {
    // Act
    const result = planScaling({
      rule: scalingRule('scale-out', 1),
      service,
      bounds: { minCount: 1, maxCount: 10 },
      scalable: { resourceId: 'service/prod/web', min: 2, max: 8 },
      now,
      why: 'cpu',
    });

    // Assess
    const [tag, move, scale] = result.actions;
    expect(tag).toEqual({
      kind: 'tag-service',
      subject,
      serviceArn: service.serviceArn,
      tags: { [SCALING_TAGS.minCapacityBaseline]: '2', [SCALING_TAGS.minCapacitySet]: '5' },
      why: "the scalable target's own min (2) and the min set now (5) are kept on the service: a scale-in returns to the one, a min other than the other is someone else's",
    });
    expect(move).toEqual({
      kind: 'set-scalable-target-bounds',
      subject,
      resourceId: 'service/prod/web',
      from: { min: 2, max: 8 },
      to: { min: 5, max: 8 },
      why: 'so that Application Auto Scaling keeps 5 tasks rather than undoing the change',
      cooldown: { ...cooldown, lastScaledAt: undefined },
      after: actionKey(tag as NonNullable<typeof tag>),
    });
    expect(scale).toMatchObject({
      kind: 'set-desired-count',
      to: 5,
      after: actionKey(move as NonNullable<typeof move>),
    });
  });

  it('leaves a scalable min already at or below the new count alone when scaling in', () => {
    // Act
    const result = planScaling({
      rule: scalingRule('scale-in', 1),
      service: { ...service, desiredCount: 5 },
      bounds: { minCount: 1, maxCount: 10 },
      scalable: { resourceId: 'service/prod/web', min: 2, max: 8 },
      now,
      why: 'cpu low',
    });

    // Assess
    expect(result.actions).toHaveLength(1);
    expect(result.actions[0]).toMatchObject({ kind: 'set-desired-count', from: 5, to: 4 });
    expect(result.actions[0]).not.toHaveProperty('after');
  });
});
