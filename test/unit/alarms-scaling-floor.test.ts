import { describe, expect, it } from 'vitest';
import { planScaling, SCALING_TAGS } from '#shared/alarms/plan.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';
import type { ScalableTarget } from '#shared/services/scalable-target.js';
import { service } from '#test/support/alarm-events.js';

const now = new Date('2026-11-24T12:00:00Z');

function scaling(reaction: 'scale-out' | 'scale-in', desiredCount: number, tags: Record<string, string>, min: number) {
  const rule = AlarmRuleSchema.parse({ reaction, step: 1, cooldownSeconds: 300 });
  if (rule.reaction !== 'scale-out' && rule.reaction !== 'scale-in') throw new Error('not a scaling rule');
  const scalable: ScalableTarget = { resourceId: 'service/prod/web', min, max: 20 };
  return planScaling({
    rule,
    service: { ...service, desiredCount, tags },
    bounds: { minCount: 1, maxCount: 50 },
    scalable,
    now,
    why: 'cpu',
  });
}

const ours = (baseline: number, set: number) => ({
  [SCALING_TAGS.minCapacityBaseline]: String(baseline),
  [SCALING_TAGS.minCapacitySet]: String(set),
});

describe('Alarm planner: the scalable target min a scale-in returns to', () => {
  it('never lowers a min someone raised after a step of ours set it', () => {
    // Prepare: a scale-out raised the min from 2 to 3; a scheduled action then raised it to 10
    const plan = scaling('scale-in', 10, ours(2, 3), 10);

    // Assess
    expect(plan.actions).toEqual([]);
    expect(plan.notes).toEqual(['web is at 10 tasks, already at the lower bound 10']);
  });

  it('returns to the baseline while the min is the one a step of ours set', () => {
    // Act
    const plan = scaling('scale-in', 3, ours(2, 3), 3);

    // Assess
    expect(plan.actions.map((a) => a.kind)).toEqual(['set-scalable-target-bounds', 'tag-service', 'set-desired-count']);
    expect(plan.actions[0]).toMatchObject({ to: { min: 2 } });
    expect(plan.actions[1]).toMatchObject({ tags: { [SCALING_TAGS.minCapacitySet]: '2' } });
    expect(plan.actions[2]).toMatchObject({ to: 2, basis: { bounds: { min: 2 } } });
  });

  it('takes a min someone lowered below the baseline as the floor, never raising it on a scale-in', () => {
    // Prepare: the baseline was 10 (a business-hours min); in the evening the schedule lowered the min to 2
    const plan = scaling('scale-in', 6, ours(10, 12), 2);

    // Assess: the desired count steps down; the min stays where its owner put it
    expect(plan.actions.map((a) => a.kind)).toEqual(['set-desired-count']);
    expect(plan.actions[0]).toMatchObject({ from: 6, to: 5, basis: { bounds: { min: 2 } } });
  });

  it('records a min someone else set as the new baseline when a scale-out raises it', () => {
    // Act: ours said 3; the min is 10 now, and a scale-out from 10 raises it to 11
    const plan = scaling('scale-out', 10, ours(2, 3), 10);

    // Assess
    expect(plan.actions[0]).toMatchObject({
      kind: 'tag-service',
      tags: { [SCALING_TAGS.minCapacityBaseline]: '10', [SCALING_TAGS.minCapacitySet]: '11' },
    });
    expect(plan.actions[1]).toMatchObject({ to: { min: 11 } });
  });

  it('reads a min whose recorded raise never moved it as someone else’s, never going below it', () => {
    // Prepare: a scale-out recorded 6 as the min it sets, and its move from 5 never landed; 5 was our earlier raise
    const plan = scaling('scale-in', 5, ours(2, 6), 5);

    // Assess: the safe side: no scale-in below the min left in place
    expect(plan.actions).toEqual([]);
    expect(plan.notes).toEqual(['web is at 5 tasks, already at the lower bound 5']);
  });
});
