import { describe, expect, it } from 'vitest';
import { planDeregisterUnhealthy } from '#shared/alarms/plan.js';
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
        whileUnhealthy: true,
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
        target: '10.0.1.3:8080',
        after,
      },
      {
        kind: 'stop-task',
        subject: { ...subject, taskArn: T4 },
        clusterName: 'prod',
        taskArn: T4,
        reason: 'ecs-autopilot: target 10.0.1.4:8080 unhealthy (failed health checks)',
        why: 'its target 10.0.1.4:8080 is unhealthy and out of the target group',
        target: '10.0.1.4:8080',
        after,
      },
    ]);
    expect(result.notes).toEqual(['no running task of web owns 10.0.1.5:8080: nothing to stop']);
  });
});
