import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { provisionWorld, targetsOf, type World } from '#local/world.js';
import { alarmConfig, CPU_HIGH, UNHEALTHY_HOSTS } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = alarmConfig([{ ...UNHEALTHY_HOSTS, maxTargetsPerRun: 1 }, CPU_HIGH]);

describe('Function: alarm-state-change, two containers at the same moment', () => {
  let world: World;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });
  const desiredCount = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]?.desiredCount;
  const cpuHigh = (at: string) =>
    alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' }, at });

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 4 }] });
  });

  it('scales once when the same ALARM reaches two containers at once', async () => {
    // Prepare
    const at = new Date().toISOString();
    const one = await coldContainer(world, 'alarm-state-change', CONFIG);
    const two = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reactions = await Promise.all([one.react(cpuHigh(at)), two.react(cpuHigh(at))]);

    // Assess: 4 → 6 once, whichever container applied it
    expect(await desiredCount()).toBe(6);
    const scaledTo = reactions.flatMap((r) => r.plan?.actions ?? []).map((a) => ('to' in a ? a.to : undefined));
    expect(scaledTo.filter((to) => to !== undefined)).not.toContain(8);
  });

  it('scales once when two episodes of the alarm reach two containers at once, inside the cooldown', async () => {
    // Prepare
    const one = await coldContainer(world, 'alarm-state-change', CONFIG);
    const two = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reactions = await Promise.all([
      one.react(cpuHigh(new Date(Date.now() - 1_000).toISOString())),
      two.react(cpuHigh(new Date().toISOString())),
    ]);

    // Assess
    expect(await desiredCount()).toBe(6);
    const outcomes = reactions.flatMap((r) => r.audit.map((a) => a.outcome)).sort();
    expect(outcomes).toEqual(['applied', 'blocked']);
  });

  it('takes the same one target when the same ALARM reaches two containers at once', async () => {
    // Prepare
    const tg = world.services.web?.targetGroupArns[0] as string;
    const tasks = world.services.web?.tasks ?? [];
    for (const task of tasks.slice(0, 2)) proxy.setTargetHealth(tg, { id: task.ip, port: task.port }, 'unhealthy');
    const event = alarmStateChangeEvent(world, {
      alarmName: 'prod-web-unhealthy-hosts',
      subject: { targetGroupArn: tg },
    });
    const one = await coldContainer(world, 'alarm-state-change', CONFIG);
    const two = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reactions = await Promise.all([one.react(event), two.react(event)]);

    // Assess
    expect(await targetsOf(world, tg)).toHaveLength(3);
    const taken = reactions.map((r) => r.plan?.actions.flatMap((a) => ('targets' in a ? a.targets : [])));
    expect(taken[0]).toEqual(taken[1]);
  });
});
