import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import {
  type CanaryWorld,
  canaryClients,
  gateAlarm,
  provisionCanaryWorld,
  settleServices,
} from '#local/canary-world.js';
import { refuseInvalidWeights } from '#local/moto-proxy-rules.js';
import { abortRelease } from '#shared/canary/commands.js';
import { readCanary, updateCanary } from '#shared/canary/store.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
const START = '2026-11-26T06:00:00.000Z';

/** The stable side as a tick is about to see it: desired count, and targets the ALB reports healthy. */
async function blue(world: CanaryWorld): Promise<{ desired: number; healthy: number; ids: string[] }> {
  const { ecs, elbv2 } = canaryClients(proxy.endpoint);
  const service = await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: ['web-blue'] }));
  const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: world.blueTargetGroupArn }));
  const targets = health.TargetHealthDescriptions ?? [];
  return {
    desired: service.services?.[0]?.desiredCount ?? -1,
    healthy: targets.filter((t) => t.TargetHealth?.State === 'healthy').length,
    ids: targets.map((t) => t.Target?.Id as string),
  };
}

describe('Command: canary abort --gradual (on moto)', () => {
  it('walks the weight back one step a tick, each only once the stable side is back at full healthy capacity', async () => {
    // Prepare: a canary ramped to 50 %, then the stable side scaled in by hand to 2 of its 4 tasks
    refuseInvalidWeights(proxy);
    const world = await provisionCanaryWorld(proxy.endpoint);
    await gateAlarm(world, 'web-5xx', 'OK');
    const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START });
    await driver.start();
    const traffic = async () => {
      const share = ((await driver.weights())['web-green-tg1'] ?? 0) / 100;
      return { canary: healthy(share), stable: healthy(1 - share) };
    };
    for (let minute = 0; minute < 20 && (await driver.weights())['web-green-tg1'] !== 50; minute += 1) {
      await driver.tick(await traffic());
    }
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 50, 'web-blue-tg1': 50 });
    await canaryClients(proxy.endpoint).ecs.send(
      new UpdateServiceCommand({ cluster: world.clusterName, service: 'web-blue', desiredCount: 2 }),
    );
    await settleServices(world);
    await updateCanary(driver.store, 'web', (r) => abortRelease(r, 'web', true, driver.now(), 'cli:test'));

    // Act: the first tick restores blue's desired count; its new tasks stay `initial` for one more tick
    let fresh: string[] = [];
    const ticks: Array<{ green: number; blueDesired: number; blueHealthy: number; decision: string }> = [];
    for (let minute = 0; minute < 10; minute += 1) {
      const before = await blue(world);
      const result = await driver.tick(await traffic());
      if (minute === 0) {
        fresh = (await blue(world)).ids.filter((id) => !before.ids.includes(id));
        for (const id of fresh) proxy.setTargetHealth(world.blueTargetGroupArn, { id, port: 8080 }, 'initial');
      }
      if (minute === 1)
        for (const id of fresh) proxy.setTargetHealth(world.blueTargetGroupArn, { id, port: 8080 }, 'healthy');
      ticks.push({
        green: (await driver.weights())['web-green-tg1'] ?? -1,
        blueDesired: before.desired,
        blueHealthy: before.healthy,
        decision: result.decision,
      });
      if (result.phase === 'rolled-back') break;
    }

    // Assess
    expect(ticks.map((t) => t.green)).toEqual([50, 50, 25, 10, 5, 0]);
    expect(ticks.slice(0, 2).map((t) => [t.blueDesired, t.blueHealthy])).toEqual([
      [2, 2],
      [4, 2],
    ]);
    let previous = 50;
    for (const tick of ticks) {
      if (tick.green < previous) expect([tick.blueDesired, tick.blueHealthy]).toEqual([4, 4]);
      previous = tick.green;
    }
    expect(
      ticks.map((t) => t.decision),
      'the wait for healthy stable targets is quiet',
    ).toEqual(['roll-back', 'hold', 'roll-back', 'roll-back', 'roll-back', 'roll-back']);
    const record = (await readCanary(driver.store, 'web'))?.data;
    expect(record).toMatchObject({
      phase: 'rolled-back',
      step: -1,
      written: { canary: 0, stable: 100, verified: true },
    });
    expect(record?.history.slice(-2)).toEqual([
      expect.objectContaining({
        from: 'ramping',
        to: 'rolling-back',
        by: 'cli:test',
        reason: expect.stringMatching(/gradually/),
      }),
      expect.objectContaining({ from: 'rolling-back', to: 'rolled-back', by: 'promoter' }),
    ]);
  });
});
