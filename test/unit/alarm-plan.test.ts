import { describe, expect, it } from 'vitest';
import { planDeregisterUnhealthy, planScaling, SCALING_TAGS } from '#shared/alarms/plan.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';
import { actionKey } from '#shared/executor/actions.js';
import type { ObservedTarget } from '#shared/targets/types.js';
import { service } from '#test/support/alarm-events.js';
import { TG_WEB } from '#test/support/builders.js';

const subject = { clusterName: 'prod', serviceName: 'web' };
const T3 = 'arn:aws:ecs:us-east-1:111122223333:task/prod/t3';
const T4 = 'arn:aws:ecs:us-east-1:111122223333:task/prod/t4';

function deregisterRule(fields: Record<string, unknown>) {
  const rule = AlarmRuleSchema.parse({ reaction: 'deregister-unhealthy', ...fields });
  if (rule.reaction !== 'deregister-unhealthy') throw new Error('not a deregistration rule');
  return rule;
}

function scalingRule(reaction: 'scale-out' | 'scale-in', step: number | string) {
  const rule = AlarmRuleSchema.parse({ reaction, step, cooldownSeconds: 300 });
  if (rule.reaction !== 'scale-out' && rule.reaction !== 'scale-in') throw new Error('not a scaling rule');
  return rule;
}

function targets(...states: Array<[number, string, string?]>) {
  return {
    targetGroupArn: TG_WEB,
    targets: states.map(
      ([n, state, reason]): ObservedTarget => ({ id: `10.0.1.${n}`, port: 8080, state, ...(reason ? { reason } : {}) }),
    ),
  };
}

describe('Alarm planner: planDeregisterUnhealthy', () => {
  const plan = (
    rule: ReturnType<typeof deregisterRule>,
    health: ReturnType<typeof targets>,
    extra: { episodeTargets?: string[]; taskByTarget?: Map<string, string> } = {},
  ) =>
    planDeregisterUnhealthy({
      rule,
      service,
      health,
      taskByTarget: extra.taskByTarget ?? new Map(),
      ...(extra.episodeTargets ? { episodeTargets: extra.episodeTargets } : {}),
      why: 'alarm',
    });

  it('says so when the group has no unhealthy target', () => {
    expect(plan(deregisterRule({}), targets([1, 'healthy'], [2, 'initial']))).toEqual({
      actions: [],
      notes: ['no unhealthy target in web-tg'],
    });
  });

  it("says the episode's targets are already out when none of them is unhealthy any more, naming each", () => {
    // Act
    const result = plan(deregisterRule({}), targets([1, 'healthy'], [2, 'healthy']), {
      episodeTargets: ['10.0.1.3:8080', '10.0.1.4:8080'],
    });

    // Assess
    expect(result).toEqual({
      actions: [],
      notes: [
        'this alarm episode already took its 2 target(s) out of web-tg (10.0.1.3:8080, 10.0.1.4:8080): nothing more until the alarm fires again',
      ],
    });
  });

  it('takes a percent of the targets in service, not of draining ones, and asks for the same share to stay healthy', () => {
    // Prepare: 4 in service (3 unhealthy), 2 draining; 50 % of 4 is 2
    const health = targets(
      [1, 'healthy'],
      [2, 'unhealthy'],
      [3, 'unhealthy'],
      [4, 'unhealthy'],
      [5, 'draining'],
      [6, 'draining'],
    );

    // Act
    const result = plan(deregisterRule({ maxTargetsPerRun: '50%', minHealthy: '50%' }), health);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'deregister-targets',
        subject,
        targetGroupArn: TG_WEB,
        targets: [
          { id: '10.0.1.2', port: 8080 },
          { id: '10.0.1.3', port: 8080 },
        ],
        why: 'alarm',
        basis: { inService: 4, healthy: 1, removingHealthy: 0 },
        policy: { minHealthy: 2, keepWhenAllUnhealthy: true },
      },
    ]);
    expect(result.notes).toEqual(['1 more unhealthy target(s) wait for the next alarm (maxTargetsPerRun 2)']);
  });

  it('adds no waiting note when every unhealthy target fits in the run', () => {
    // Act
    const result = plan(
      deregisterRule({ maxTargetsPerRun: 2 }),
      targets([1, 'healthy'], [2, 'unhealthy'], [3, 'unhealthy']),
    );

    // Assess
    expect(result.notes).toEqual([]);
    expect(result.actions).toHaveLength(1);
  });

  it("retakes an episode's target still unhealthy without saying the episode is done", () => {
    // Act
    const result = plan(
      deregisterRule({ maxTargetsPerRun: 1 }),
      targets([1, 'healthy'], [2, 'unhealthy'], [3, 'unhealthy']),
      {
        episodeTargets: ['10.0.1.3:8080'],
      },
    );

    // Assess
    expect(result.notes).toEqual(['1 more unhealthy target(s) wait for the next alarm (maxTargetsPerRun 1)']);
  });

  it('stops no task when the rule does not ask for it', () => {
    // Act
    const result = plan(deregisterRule({ stopTasks: false }), targets([1, 'healthy'], [3, 'unhealthy']), {
      taskByTarget: new Map([['10.0.1.3:8080', T3]]),
    });

    // Assess
    expect(result.actions.map((a) => a.kind)).toEqual(['deregister-targets']);
  });

  it("stops each chosen target's task after the deregistration, with the health reason, and notes a target no task owns", () => {
    // Prepare
    const health = targets(
      [1, 'healthy'],
      [2, 'healthy'],
      [3, 'unhealthy', 'Target.Timeout'],
      [4, 'unhealthy'],
      [5, 'unhealthy'],
    );

    // Act
    const result = plan(deregisterRule({ stopTasks: true, maxTargetsPerRun: 3, minHealthy: 1 }), health, {
      taskByTarget: new Map([
        ['10.0.1.3:8080', T3],
        ['10.0.1.4:8080', T4],
      ]),
    });

    // Assess
    const [deregister, ...stops] = result.actions;
    const after = actionKey(deregister as NonNullable<typeof deregister>);
    expect(stops).toEqual([
      {
        kind: 'stop-task',
        subject: { ...subject, taskArn: T3 },
        clusterName: 'prod',
        taskArn: T3,
        reason: 'ecs-autopilot: target 10.0.1.3:8080 unhealthy (Target.Timeout)',
        why: 'its target 10.0.1.3:8080 is unhealthy and out of the target group',
        after,
      },
      {
        kind: 'stop-task',
        subject: { ...subject, taskArn: T4 },
        clusterName: 'prod',
        taskArn: T4,
        reason: 'ecs-autopilot: target 10.0.1.4:8080 unhealthy (failed health checks)',
        why: 'its target 10.0.1.4:8080 is unhealthy and out of the target group',
        after,
      },
    ]);
    expect(result.notes).toEqual(['no running task of web owns 10.0.1.5:8080: nothing to stop']);
  });
});

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
      tags: { [SCALING_TAGS.minCapacityBaseline]: '2' },
      why: "the scalable target's own min is kept on the service, the floor a scale-in returns to",
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
