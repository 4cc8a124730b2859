import { describe, expect, it } from 'vitest';
import { planDeregisterUnhealthy, planScaling, resolveCount, SCALING_TAGS } from '#shared/alarms/plan.js';
import { alarmEpisode, matchAlarmRule, resolveAlarmResource } from '#shared/alarms/resolve.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';
import { type AlarmStateChangeEvent, AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import {
  type Action,
  actionKey,
  type DeregisterTargetsAction,
  type SetDesiredCountAction,
} from '#shared/executor/actions.js';
import { guard } from '#shared/executor/guardrails.js';
import type { ServiceState } from '#shared/services/types.js';
import { health, TG_WEB } from '#test/support/builders.js';
import { loadEvent } from '#test/support/fixtures.js';

const TG_DIM = 'targetgroup/web-tg/0123456789abcdef';

function alarmEvent(
  dimensions: Record<string, string>,
  overrides: Partial<AlarmStateChangeEvent['detail']> = {},
): AlarmStateChangeEvent {
  return AlarmStateChangeEventSchema.parse({
    version: '0',
    id: 'a1',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '111122223333',
    time: '2026-11-24T12:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-unhealthy'],
    detail: {
      alarmName: 'prod-web-unhealthy-hosts',
      state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-11-24T12:00:00.000+0000' },
      previousState: { value: 'OK', timestamp: '2026-11-24T11:00:00.000+0000' },
      configuration: {
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: { namespace: 'AWS/ApplicationELB', name: 'UnHealthyHostCount', dimensions },
              period: 60,
              stat: 'Maximum',
            },
            returnData: true,
          },
        ],
      },
      ...overrides,
    },
  });
}

const service: ServiceState = {
  serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
  clusterName: 'prod',
  serviceName: 'web',
  desiredCount: 4,
  runningCount: 4,
  loadBalancers: [{ targetGroupArn: TG_WEB, containerName: 'app', containerPort: 8080 }],
  tags: {},
  disabledByTag: false,
};

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
    const ec2 = AlarmStateChangeEventSchema.parse(loadEvent('aws:cloudwatch-alarm-state-change-single-metric'));
    const math = AlarmStateChangeEventSchema.parse(loadEvent('aws:cloudwatch-alarm-state-change-metric-math'));

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
    expect(plan.actions[0]).toMatchObject({ tags: { [SCALING_TAGS.minCapacityBaseline]: '2' } });
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

    // Assess
    expect(plan.actions[0]).toMatchObject({ kind: 'set-scalable-target-bounds', to: { min: 4, max: 5 } });
    expect(plan.actions[1]).toMatchObject({ kind: 'set-desired-count', from: 5, to: 4, basis: { bounds: { min: 2 } } });
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
    const event = AlarmStateChangeEventSchema.parse(loadEvent(name));

    // Assess
    expect(resolveAlarmResource(event).kind).toBe(kind);
  });
});
