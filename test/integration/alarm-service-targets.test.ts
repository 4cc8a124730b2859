import { DescribeServicesCommand, DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { provisionWorld, targetsOf, type World } from '#local/world.js';
import { alarmConfig, CPU_HIGH, UNHEALTHY_HOSTS } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = alarmConfig([
  { ...UNHEALTHY_HOSTS, maxTargetsPerRun: 1 },
  CPU_HIGH,
  { alarmName: '-cpu-low$', reaction: 'scale-in', step: 1, cooldownSeconds: 300 },
]);

describe('Function: alarm-state-change, alarms on a service', () => {
  let world: World;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });
  const desiredCount = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]?.desiredCount;
  const alarm = (alarmName: string, at = new Date().toISOString()) =>
    alarmStateChangeEvent(world, { alarmName, subject: { service: 'web' }, at });

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3, targetGroups: 2 }] });
  });

  const webTask = (i: number) => world.services.web?.tasks[i] as { taskArn: string; ip: string; port: number };

  it("deregisters an unhealthy task from each of the service's target groups, and leaves the task running", async () => {
    // Prepare
    const [tg1, tg2] = (world.services.web?.targetGroupArns ?? []) as [string, string];
    for (const tg of [tg1, tg2]) proxy.setTargetHealth(tg, { id: webTask(1).ip, port: webTask(1).port }, 'unhealthy');
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(alarm('prod-web-unhealthy-hosts'));

    // Assess
    for (const tg of [tg1, tg2]) {
      expect((await targetsOf(world, tg)).map((t) => t.id).sort()).toEqual([webTask(0).ip, webTask(2).ip].sort());
    }
    expect(reaction.audit.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['deregister-targets', 'applied'],
      ['deregister-targets', 'applied'],
    ]);
    const task = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [webTask(1).taskArn] }));
    expect(task.tasks?.[0]?.desiredStatus).toBe('RUNNING');
  });

  it('keeps each target group’s choice of the episode apart: another unhealthy task in each, each removed', async () => {
    // Prepare: task 1 unhealthy in the first group only, task 2 in the second only
    const [tg1, tg2] = (world.services.web?.targetGroupArns ?? []) as [string, string];
    proxy.setTargetHealth(tg1, { id: webTask(1).ip, port: webTask(1).port }, 'unhealthy');
    proxy.setTargetHealth(tg2, { id: webTask(2).ip, port: webTask(2).port }, 'unhealthy');
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(alarm('prod-web-unhealthy-hosts'));

    // Assess
    expect((await targetsOf(world, tg1)).map((t) => t.id).sort()).toEqual([webTask(0).ip, webTask(2).ip].sort());
    expect((await targetsOf(world, tg2)).map((t) => t.id).sort()).toEqual([webTask(0).ip, webTask(1).ip].sort());
    expect(reaction.audit.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['deregister-targets', 'applied'],
      ['deregister-targets', 'applied'],
    ]);
  });

  it('scales in on its own cooldown: a scale-out right after a scale-in is not held back by it', async () => {
    // Prepare
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    const scaledIn = await first.react(alarm('prod-web-cpu-low', new Date(Date.now() - 60_000).toISOString()));

    // Act
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const scaledOut = await second.react(alarm('prod-web-cpu-high'));

    // Assess
    expect(scaledIn.reaction).toBe('scale-in');
    expect(scaledIn.audit.map((r) => r.outcome)).toEqual(['applied']);
    expect(scaledOut.audit.map((r) => r.outcome)).toEqual(['applied']);
    expect(await desiredCount()).toBe(4);
  });

  it('refuses a second scale-in of another episode within the scale-in cooldown', async () => {
    // Prepare
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    await first.react(alarm('prod-web-cpu-low', new Date(Date.now() - 60_000).toISOString()));

    // Act
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const again = await second.react(alarm('prod-web-cpu-low'));

    // Assess
    expect(await desiredCount()).toBe(2);
    expect(again.audit[0]).toMatchObject({ outcome: 'blocked', guard: { rule: 'cooldown' } });
  });

  it("reports a recovery under the rule's own reaction and changes nothing", async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const firedAt = new Date(Date.now() - 60_000).toISOString();

    // Act
    const reaction = await react(
      alarmStateChangeEvent(world, {
        alarmName: 'prod-web-cpu-high',
        subject: { service: 'web' },
        state: 'OK',
        previousState: 'ALARM',
        previousAt: firedAt,
      }),
    );

    // Assess
    expect(reaction.reaction).toBe('scale-out');
    expect(reaction.ignored).toBeUndefined();
    expect(reaction.alert?.kind).toBe('alarm/recovered');
    expect(await desiredCount()).toBe(3);
  });

  it('records nothing in a dry run: the same episode acts once dry run is switched off', async () => {
    // Prepare
    const tg = world.services.web?.targetGroupArns[0] as string;
    proxy.setTargetHealth(tg, { id: webTask(0).ip, port: webTask(0).port }, 'unhealthy');
    const at = new Date().toISOString();
    const dry = await coldContainer(world, 'alarm-state-change', `${CONFIG}\ndryRun: true\n`);
    await dry.react(alarm('prod-web-cpu-high', at));
    await dry.react(alarm('prod-web-unhealthy-hosts', at));

    // Act
    const live = await coldContainer(world, 'alarm-state-change', CONFIG);
    const scaled = await live.react(alarm('prod-web-cpu-high', at));
    const deregistered = await live.react(alarm('prod-web-unhealthy-hosts', at));

    // Assess
    expect(scaled.audit.map((r) => r.outcome)).toEqual(['applied']);
    expect(await desiredCount()).toBe(5);
    expect(deregistered.audit.map((r) => r.outcome)).toEqual(['applied']);
    expect((await targetsOf(world, tg)).map((t) => t.id)).not.toContain(webTask(0).ip);
  });
});
