import { describe, expect, it } from 'vitest';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import { canaryClients, gateAlarm, provisionCanaryWorld, settleServices } from '#local/canary-world.js';
import { loseWeightWrites, refuseInvalidWeights } from '#local/moto-proxy-rules.js';
import { readCanary } from '#shared/canary/store.js';
import { readBackPauseMs } from '#shared/executor/forward-kinds.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { setWeightsByHand } from '#test/support/started-canary.js';

const proxy = await useMotoProxy();
const START = '2026-11-26T06:00:00.000Z';
readBackPauseMs.value = 20;

async function startedCanary(options: { legacyWeight?: number } = {}) {
  refuseInvalidWeights(proxy);
  const world = await provisionCanaryWorld(proxy.endpoint, options);
  await gateAlarm(world, 'web-5xx', 'OK');
  const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START });
  await driver.start();
  return { world, driver };
}

const weightWrites = () => proxy.calls().filter((c) => c.operation === 'ModifyRule').length;

describe('Function: canary-promoter safety (on moto)', () => {
  it('leaves a third target group, its weight and the stickiness config exactly as they were', async () => {
    // Prepare
    const { driver } = await startedCanary({ legacyWeight: 20 });

    // Act
    for (let minute = 0; minute < 6; minute += 1) {
      const share = ((await driver.weights())['web-green-tg1'] ?? 0) / 120;
      await driver.tick({ canary: healthy(share), stable: healthy(1 - share) });
    }

    // Assess
    const forward = await driver.forward();
    expect(forward?.stickiness).toEqual({ enabled: true, durationSeconds: 3600 });
    const [blue, green, legacy] = forward?.targetGroups ?? [];
    expect(legacy).toEqual({ targetGroupArn: expect.stringContaining('targetgroup/web-legacy/'), weight: 20 });
    expect((blue?.weight ?? 0) + (green?.weight ?? 0)).toBe(100);
    expect(green?.weight).toBeGreaterThanOrEqual(10);
  });

  it('does not put weight on canary targets that are not healthy yet', async () => {
    // Prepare: the first canary task registers but stays in `initial`
    const { world, driver } = await startedCanary();
    await driver.tick({ canary: healthy(0), stable: healthy(1) });
    const { elbv2 } = canaryClients(world.endpoint);
    const { DescribeTargetHealthCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const targets = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: world.greenTargetGroupArn }));
    for (const t of targets.TargetHealthDescriptions ?? []) {
      proxy.setTargetHealth(world.greenTargetGroupArn, { id: t.Target?.Id as string, port: 8080 }, 'initial');
    }

    // Act
    const result = await driver.tick({ canary: healthy(0), stable: healthy(1) });

    // Assess
    expect(result).toMatchObject({
      decision: 'hold',
      reason: expect.stringMatching(/waiting for 1 healthy canary targets/),
    });
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 0, 'web-blue-tg1': 100 });
  });

  it('pauses on weights changed by hand and does not write them back', async () => {
    // Prepare
    const { world, driver } = await startedCanary();
    await driver.tick({ canary: healthy(0), stable: healthy(1) });
    await driver.tick({ canary: healthy(0), stable: healthy(1) });
    await setWeightsByHand(world, { blue: 70, green: 30 });
    const before = weightWrites();

    // Act
    const result = await driver.tick({ canary: healthy(0.3), stable: healthy(0.7) });
    const after = await driver.tick({ canary: healthy(0.3), stable: healthy(0.7) });

    // Assess
    expect(result).toMatchObject({ decision: 'pause', phase: 'paused' });
    expect(result.reason).toContain('changed outside ecs-autopilot');
    expect(result.alert?.severity).toBe('critical');
    expect(after.decision).toBe('idle');
    expect(weightWrites()).toBe(before);
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 30, 'web-blue-tg1': 70 });
  });

  it('writes again a weight write that did not land and a throttled one, and verifies them', async () => {
    // Prepare
    const { driver } = await startedCanary();
    await driver.tick({ canary: healthy(0), stable: healthy(1) });
    loseWeightWrites(proxy, 1);
    proxy.throttle('ModifyRule', 1);

    // Act
    const result = await driver.tick({ canary: healthy(0), stable: healthy(1) });

    // Assess
    expect(result).toMatchObject({ decision: 'start', phase: 'ramping' });
    expect(result.audit.find((r) => r.action.kind === 'set-forward-weights')?.verification?.evidence).toMatch(
      /after 2 write\(s\)/,
    );
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 5, 'web-blue-tg1': 95 });
    expect((await readCanary(driver.store, 'web'))?.data.written).toMatchObject({ canary: 5, verified: true });
  });

  it('pauses with a critical alert when weight writes keep not landing, and scales nothing in', async () => {
    // Prepare
    const { world, driver } = await startedCanary();
    await driver.tick({ canary: healthy(0), stable: healthy(1) });
    loseWeightWrites(proxy, 10);

    // Act
    const result = await driver.tick({ canary: healthy(0), stable: healthy(1) });
    await settleServices(world);

    // Assess
    expect(result).toMatchObject({ decision: 'pause', phase: 'paused' });
    expect(result.alert).toMatchObject({ severity: 'critical' });
    expect(result.reason).toMatch(/weight write failed: verification failed/);
    // The record says who paused it and why, and keeps the tick's decision as critical for a retry to report again.
    const record = (await readCanary(driver.store, 'web'))?.data;
    expect(record?.history.at(-1)).toMatchObject({
      by: 'promoter',
      from: 'ramping',
      to: 'paused',
      reason: expect.stringMatching(/^weight write failed: verification failed/),
    });
    expect(record?.lastTick).toMatchObject({ decision: 'pause', critical: true, reason: result.reason });
    const { DescribeServicesCommand } = await import('@aws-sdk/client-ecs');
    const services = await canaryClients(world.endpoint).ecs.send(
      new DescribeServicesCommand({ cluster: world.clusterName, services: ['web-blue', 'web-green'] }),
    );
    expect(services.services?.map((s) => [s.serviceName, s.desiredCount])).toEqual([
      ['web-blue', 4],
      ['web-green', 1],
    ]);
  });

  it('advances one step when two ticks run at the same moment', async () => {
    // Prepare: capacity ready, so the next tick writes the first weight
    const { driver } = await startedCanary();
    await driver.tick({ canary: healthy(0), stable: healthy(1) });
    const before = weightWrites();
    const { tickCanaries } = await import('#shared/canary/react.js');
    const { logger } = await import('#shared/logging/logger.js');
    const deps = {
      config: driver.config,
      clients: canaryClients(proxy.endpoint),
      store: driver.store,
      logger,
      region: 'us-east-1',
    };

    // Act
    const results = await Promise.all([tickCanaries(deps, driver.now()), tickCanaries(deps, driver.now())]);

    // Assess
    expect(results.map(([r]) => r?.decision).sort()).toEqual(['conflict', 'start']);
    expect(weightWrites() - before).toBe(1);
    const record = (await readCanary(driver.store, 'web'))?.data;
    expect(record?.history.filter((h) => h.to === 'ramping')).toHaveLength(1);
  });
});
