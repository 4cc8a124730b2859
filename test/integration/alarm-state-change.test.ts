import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { deliverOutbox } from '#local/pipeline.js';
import { provisionWorld, receiveAlerts, targetsOf, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { alarmConfig, CPU_HIGH, UNHEALTHY_HOSTS } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = alarmConfig(
  [
    { ...UNHEALTHY_HOSTS, maxTargetsPerRun: 2, stopTasks: true },
    CPU_HIGH,
    { alarmName: '-cpu-low$', reaction: 'scale-in', step: 1, cooldownSeconds: 300 },
    { alarmName: '-notify$', reaction: 'notify-only' },
  ],
  { web: { scaling: { minCount: 2, maxCount: 6 } }, api: {} },
);

describe('Function: alarm-state-change', () => {
  let world: World;
  let tg: string;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });
  const autoScaling = new ApplicationAutoScalingClient({ endpoint, region: 'us-east-1' });

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 3 },
        { name: 'api', tasks: 3 },
      ],
    });
    tg = world.services.web?.targetGroupArns[0] as string;
  });

  const webTask = (i: number) => world.services.web?.tasks[i] as { taskArn: string; ip: string; port: number };
  const unhealthy = (i: number) => proxy.setTargetHealth(tg, { id: webTask(i).ip, port: webTask(i).port }, 'unhealthy');
  const desiredCount = async (service = 'web') =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [service] }))).services?.[0]?.desiredCount;
  const unhealthyAlarm = () =>
    alarmStateChangeEvent(world, { alarmName: 'prod-web-unhealthy-hosts', subject: { targetGroupArn: tg } });

  it('deregisters an unhealthy target, then stops its task so ECS replaces it', async () => {
    // Prepare
    unhealthy(1);
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(unhealthyAlarm());

    // Assess
    expect((await targetsOf(world, tg)).map((t) => t.id).sort()).toEqual([webTask(0).ip, webTask(2).ip].sort());
    expect(reaction.audit.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['deregister-targets', 'applied'],
      ['stop-task', 'applied'],
    ]);
    const task = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [webTask(1).taskArn] }));
    expect(task.tasks?.[0]?.desiredStatus).toBe('STOPPED');
    expect(task.tasks?.[0]?.stoppedReason).toMatch(/ecs-autopilot: target .* unhealthy/);
  });

  it('keeps minHealthy healthy targets: with fewer, it deregisters nothing and alerts critical', async () => {
    // Prepare
    unhealthy(0);
    unhealthy(1);
    const { react } = await coldContainer(
      world,
      'alarm-state-change',
      CONFIG.replace('minHealthy: 1', 'minHealthy: 2'),
    );

    // Act
    const reaction = await react(unhealthyAlarm());

    // Assess
    expect(await targetsOf(world, tg)).toHaveLength(3);
    expect(reaction.audit.map((r) => [r.outcome, r.guard?.rule ?? r.error?.message])).toEqual([
      ['blocked', 'min-healthy'],
      ['skipped', expect.stringMatching(/prerequisite ended blocked/)],
      ['skipped', expect.stringMatching(/prerequisite ended blocked/)],
    ]);
    expect(reaction.alert?.severity).toBe('critical');
  });

  it('deregisters nothing when every target is unhealthy (the ALB fails open), and alerts critical', async () => {
    // Prepare
    for (const i of [0, 1, 2]) unhealthy(i);
    const { react, notifier } = await coldContainer(
      world,
      'alarm-state-change',
      CONFIG.replace('minHealthy: 1', 'minHealthy: 0'),
    );

    // Act
    const reaction = await react(unhealthyAlarm());
    await deliverOutbox(world, notifier);
    const [alert] = await receiveAlerts(world);

    // Assess
    expect(await targetsOf(world, tg)).toHaveLength(3);
    expect(reaction.audit[0]).toMatchObject({ outcome: 'blocked', guard: { rule: 'all-unhealthy' } });
    expect(alert?.attributes).toMatchObject({
      severity: 'critical',
      kind: 'alarm/deregister-unhealthy',
      service: 'web',
    });
    expect(v.parse(ChatbotNotificationSchema, alert?.message).content.description).toMatch(/guardrail all-unhealthy/);
  });

  it('scales out within bounds, and refuses a second scale-out within the cooldown from another container', async () => {
    // Prepare
    const cpuHigh = (at: string) =>
      alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' }, at });
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    await first.react(cpuHigh(new Date().toISOString()));

    // Act
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const again = await second.react(cpuHigh(new Date(Date.now() + 1000).toISOString()));

    // Assess
    expect(await desiredCount()).toBe(5);
    expect(again.audit[0]).toMatchObject({ outcome: 'blocked', guard: { rule: 'cooldown' } });
  });

  it('never scales past the configured maximum or below the minimum', async () => {
    // Prepare
    const { react } = await coldContainer(
      world,
      'alarm-state-change',
      CONFIG.replace('maxCount: 6', 'maxCount: 4').replace('cooldownSeconds: 300', 'cooldownSeconds: 0'),
    );

    // Act
    await react(alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' } }));
    const atMax = await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' } }),
    );

    // Assess
    expect(await desiredCount()).toBe(4);
    expect(atMax.plan?.notes[0]).toMatch(/already at the upper bound 4/);
  });

  it('works with an Application Auto Scaling scalable target: raises its min, never its max, never past it', async () => {
    // Prepare
    await autoScaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: 'service/prod/web',
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 2,
        MaxCapacity: 4,
      }),
    );
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' } }),
    );

    // Assess
    const target = await autoScaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: ['service/prod/web'] }),
    );
    expect(await desiredCount()).toBe(4);
    expect(target.ScalableTargets?.[0]).toMatchObject({ MinCapacity: 4, MaxCapacity: 4 });
    expect(reaction.audit.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
  });

  it('reports the recovery in the same thread as the alarm', async () => {
    // Prepare
    const { react, notifier } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const firedAt = new Date(Date.now() - 60_000).toISOString();
    await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-web-notify', subject: { service: 'web' }, at: firedAt }),
    );

    // Act
    await react(
      alarmStateChangeEvent(world, {
        alarmName: 'prod-web-notify',
        subject: { service: 'web' },
        state: 'OK',
        previousState: 'ALARM',
        previousAt: firedAt,
      }),
    );
    await deliverOutbox(world, notifier);
    const alerts = (await receiveAlerts(world)).map((a) => v.parse(ChatbotNotificationSchema, a.message));

    // Assess
    expect(alerts.map((a) => a.metadata?.eventType)).toEqual(['alarm/notify-only', 'alarm/recovered']);
    expect(alerts[1]?.metadata?.threadId).toBe(alerts[0]?.metadata?.threadId);
  });

  it('mutates nothing in dry-run', async () => {
    // Prepare
    unhealthy(1);
    const { react } = await coldContainer(world, 'alarm-state-change', `${CONFIG}\ndryRun: true\n`);

    // Act
    const reaction = await react(unhealthyAlarm());
    await react(alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' } }));

    // Assess
    expect(await targetsOf(world, tg)).toHaveLength(3);
    expect(await desiredCount()).toBe(3);
    expect(reaction.audit.map((r) => r.outcome)).toEqual(['dry-run', 'dry-run']);
  });

  it.each([
    ['an alarm no rule matches', 'other-alarm', /no alarm rule matches/],
    ['a service outside the config', 'prod-billing-cpu-high', /notify only: service billing is not in the config/],
  ])('takes no action for %s', async (_case, alarmName, why) => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const service = alarmName.includes('billing') ? 'billing' : 'web';

    // Act
    const reaction = await react(alarmStateChangeEvent(world, { alarmName, subject: { service } }));

    // Assess
    expect(reaction.ignored).toMatch(why);
    expect(reaction.audit).toEqual([]);
    expect(await desiredCount()).toBe(3);
  });
});
