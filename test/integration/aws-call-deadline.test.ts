import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { provisionWorld, type World } from '#local/world.js';
import { alarmConfig, CPU_HIGH } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { lambdaContext } from '../../cli/replay.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = alarmConfig([CPU_HIGH], { web: { scaling: { minCount: 2, maxCount: 6 } } });

/** Longer than the test's own timeout: a call that waits for it never ends within the test. */
const HANG_MS = 120_000;

describe('AWS call deadline: the alarm function under a hung DescribeServices', () => {
  let world: World;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });
  const cpuHigh = () => alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' } });
  const desiredCount = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]?.desiredCount;

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3 }] });
  });

  it('abandons a hung call after the request timeout and completes the reaction on the retry', async () => {
    // Prepare
    proxy.delay('ecs:DescribeServices', HANG_MS, 1);
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(cpuHigh());

    // Assess
    expect(reaction.audit[0]).toMatchObject({ action: { kind: 'set-desired-count' }, outcome: 'applied' });
    expect(await desiredCount()).toBe(5);
  });

  it('fails the invocation at its deadline, before Lambda would kill it, when every call hangs', async () => {
    // Prepare
    proxy.delay('ecs:DescribeServices', HANG_MS);
    await coldContainer(world, 'alarm-state-change', CONFIG);
    const { handler } = await import('#functions/alarm-state-change/handler.js');
    const remainingMs = 8_000;
    const startedAt = Date.now();
    const home = { account: world.account, region: world.region };
    const context = { ...lambdaContext('alarm-state-change', home), getRemainingTimeInMillis: () => remainingMs };

    // Act
    const invocation = handler(cpuHigh() as never, context);

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'DeadlineExceededError' });
    expect(Date.now() - startedAt).toBeLessThan(remainingMs);
    expect(await desiredCount()).toBe(3);
  });
});
