import { describe, expect, it } from 'vitest';
import { planDeregisterUnhealthy } from '#shared/alarms/plan.js';
import { alarmEpisode, matchAlarmRule, resolveAlarmResource } from '#shared/alarms/resolve.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import type { DeregisterTargetsAction } from '#shared/executor/actions.js';
import * as v from '#shared/validation/input-schema.js';
import { alarmEvent, service, TG_DIM } from '#test/support/alarm-events.js';
import { health, TG_WEB } from '#test/support/builders.js';
import { loadEvent } from '#test/support/fixtures.js';

describe('Alarms: resolveAlarmResource', () => {
  it("derives the target group ARN from an ALB alarm's TargetGroup and LoadBalancer dimensions", () => {
    // Act
    const resource = resolveAlarmResource(
      alarmEvent({ TargetGroup: TG_DIM, LoadBalancer: 'app/web-alb/50dc6c495c0c9188' }),
    );

    // Assess
    expect(resource).toEqual({
      kind: 'target-group',
      targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:111122223333:${TG_DIM}`,
      loadBalancer: 'app/web-alb/50dc6c495c0c9188',
    });
  });

  it('resolves a service from ClusterName and ServiceName', () => {
    expect(resolveAlarmResource(alarmEvent({ ClusterName: 'prod', ServiceName: 'web' }))).toEqual({
      kind: 'service',
      clusterName: 'prod',
      serviceName: 'web',
    });
  });

  it('says clearly why a composite alarm, an EC2 alarm or a metric-math alarm over other dimensions is notify-only', () => {
    // Prepare
    const composite = alarmEvent({}, { configuration: { alarmRule: 'ALARM(a) OR ALARM(b)' } });
    const ec2 = v.parse(AlarmStateChangeEventSchema, loadEvent('aws:cloudwatch-alarm-state-change-single-metric'));
    const math = v.parse(AlarmStateChangeEventSchema, loadEvent('aws:cloudwatch-alarm-state-change-metric-math'));

    // Act & Assess
    expect(resolveAlarmResource(composite)).toMatchObject({ kind: 'none', why: expect.stringMatching(/composite/) });
    expect(resolveAlarmResource(ec2)).toMatchObject({
      kind: 'none',
      why: expect.stringMatching(/do not name a target group/),
    });
    expect(resolveAlarmResource(math)).toMatchObject({ kind: 'none' });
  });

  it('resolves a metric-math alarm whose metrics all name the same target group', () => {
    // Prepare
    const dims = { TargetGroup: TG_DIM, LoadBalancer: 'app/web-alb/1' };
    const event = alarmEvent(dims);
    const metric = event.detail.configuration.metrics?.[0];
    event.detail.configuration.metrics = [{ id: 'e1', expression: 'm1/m2' }, metric, { ...metric, id: 'm2' }] as never;

    // Act & Assess
    expect(resolveAlarmResource(event).kind).toBe('target-group');
  });

  it('threads an ALARM and its recovery together by the time the episode began', () => {
    // Prepare
    const fired = alarmEvent({});
    const recovered = alarmEvent(
      {},
      {
        state: { value: 'OK', timestamp: '2026-11-24T12:10:00.000+0000' },
        previousState: { value: 'ALARM', timestamp: '2026-11-24T12:00:00.000+0000' },
      },
    );

    // Act & Assess
    expect(alarmEpisode(recovered)).toBe(alarmEpisode(fired));
  });
});

describe('Alarms: matchAlarmRule', () => {
  const rules = [
    AlarmRuleSchema.parse({ alarmName: '-cpu-high$', reaction: 'scale-out' }),
    AlarmRuleSchema.parse({ alarmTags: { 'ecs-autopilot': 'remediate' }, reaction: 'deregister-unhealthy' }),
    AlarmRuleSchema.parse({ reaction: 'notify-only' }),
  ];

  it('takes the first rule whose name pattern and tags match', () => {
    expect(matchAlarmRule(rules, alarmEvent({}, { alarmName: 'prod-web-cpu-high' }))?.reaction).toBe('scale-out');
    expect(
      matchAlarmRule(rules, alarmEvent({}, { alarmTags: { 'ecs-autopilot': 'remediate', team: 'web' } }))?.reaction,
    ).toBe('deregister-unhealthy');
    expect(matchAlarmRule(rules, alarmEvent({}))?.reaction).toBe('notify-only');
  });

  it('does not match a tag rule for an event that carries no tags', () => {
    expect(matchAlarmRule(rules.slice(1, 2), alarmEvent({}))).toBeUndefined();
  });
});

describe('Alarms: planDeregisterUnhealthy', () => {
  const rule = AlarmRuleSchema.parse({ reaction: 'deregister-unhealthy', stopTasks: true, maxTargetsPerRun: 1 });
  if (rule.reaction !== 'deregister-unhealthy') throw new Error('unreachable');

  it('deregisters an unhealthy target and stops its task only after the deregistration', () => {
    // Prepare
    const tg = health(TG_WEB, [
      ['10.0.1.1', 8080, 'healthy'],
      ['10.0.1.2', 8080, 'healthy'],
      ['10.0.1.3', 8080, 'unhealthy'],
    ]);

    // Act
    const plan = planDeregisterUnhealthy({
      rule,
      service,
      health: tg,
      taskByTarget: new Map([['10.0.1.3:8080', 'arn:aws:ecs:us-east-1:111122223333:task/prod/t3']]),
      why: 'alarm',
    });

    // Assess
    const [deregister, stop] = plan.actions;
    expect(deregister).toMatchObject({
      kind: 'deregister-targets',
      targets: [{ id: '10.0.1.3', port: 8080 }],
      policy: { minHealthy: 2, keepWhenAllUnhealthy: true },
    });
    expect(stop).toMatchObject({ kind: 'stop-task', taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/t3' });
    expect(stop?.after).toMatch(/^deregister-targets\|/);
  });

  it('takes at most maxTargetsPerRun targets and says how many wait', () => {
    // Act
    const plan = planDeregisterUnhealthy({
      rule,
      service,
      health: health(TG_WEB, [
        ['10.0.1.1', 8080, 'healthy'],
        ['10.0.1.2', 8080, 'unhealthy'],
        ['10.0.1.3', 8080, 'unhealthy'],
      ]),
      taskByTarget: new Map(),
      why: 'alarm',
    });

    // Assess
    expect((plan.actions[0] as DeregisterTargetsAction).targets).toHaveLength(1);
    expect(plan.notes.join('\n')).toMatch(/1 more unhealthy target\(s\) wait/);
  });

  it("takes again only the episode's own targets on a retry, never new ones", () => {
    // Prepare: the first delivery chose 10.0.1.2; it is gone now and 10.0.1.3 turned unhealthy since
    const now = health(TG_WEB, [
      ['10.0.1.1', 8080, 'healthy'],
      ['10.0.1.3', 8080, 'unhealthy'],
      ['10.0.1.4', 8080, 'healthy'],
    ]);

    // Act
    const plan = planDeregisterUnhealthy({
      rule,
      service,
      health: now,
      taskByTarget: new Map(),
      episodeTargets: ['10.0.1.2:8080'],
      why: 'alarm',
    });

    // Assess
    expect(plan.actions).toEqual([]);
    expect(plan.notes).toEqual([
      'this alarm episode already took its 1 target(s) out of web-tg (10.0.1.2:8080): nothing more until the alarm fires again',
      '1 more unhealthy target(s) wait for the next alarm (maxTargetsPerRun 1)',
    ]);
  });

  it("deregisters the episode's recorded target again while it is still in service", () => {
    // Act
    const plan = planDeregisterUnhealthy({
      rule,
      service,
      health: health(TG_WEB, [
        ['10.0.1.1', 8080, 'healthy'],
        ['10.0.1.2', 8080, 'unhealthy'],
        ['10.0.1.3', 8080, 'unhealthy'],
      ]),
      taskByTarget: new Map(),
      episodeTargets: ['10.0.1.3:8080'],
      why: 'alarm',
    });

    // Assess
    expect((plan.actions[0] as DeregisterTargetsAction).targets).toEqual([{ id: '10.0.1.3', port: 8080 }]);
  });

  it('leaves initial and draining targets alone', () => {
    const plan = planDeregisterUnhealthy({
      rule,
      service,
      health: health(TG_WEB, [
        ['10.0.1.1', 8080, 'healthy'],
        ['10.0.1.2', 8080, 'initial'],
        ['10.0.1.3', 8080, 'draining'],
      ]),
      taskByTarget: new Map(),
      why: 'alarm',
    });
    expect(plan.actions).toEqual([]);
  });
});
