import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import { canaryClients, gateAlarm, provisionCanaryWorld } from '#local/canary-world.js';
import { refuseInvalidWeights } from '#local/moto-proxy-rules.js';
import { readCanary } from '#shared/canary/store.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
// A Thursday, 06:00 UTC.
const START = '2026-11-26T06:00:00.000Z';

async function desired(world: { endpoint: string; clusterName: string }, service: string): Promise<number> {
  const out = await canaryClients(world.endpoint).ecs.send(
    new DescribeServicesCommand({ cluster: world.clusterName, services: [service] }),
  );
  return out.services?.[0]?.desiredCount ?? -1;
}

/** A started canary on a fresh world, with AWS's refusal of invalid weights in front of moto. */
async function startedCanary(extraYaml = '') {
  refuseInvalidWeights(proxy);
  const world = await provisionCanaryWorld(proxy.endpoint);
  await gateAlarm(world, 'web-5xx', 'OK');
  const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START, extraYaml });
  await driver.start();
  return { world, driver };
}

/** Ticks with the canary serving `canary` traffic until `until` says stop or `limit` minutes pass. */
async function run(
  driver: Awaited<ReturnType<typeof startedCanary>>['driver'],
  limit: number,
  canary: (share: number) => ReturnType<typeof healthy> = healthy,
) {
  const log: Array<{ decision: string; phase?: string; green: number; reason: string }> = [];
  for (let minute = 0; minute < limit; minute += 1) {
    const share = ((await driver.weights())['web-green-tg1'] ?? 0) / 100;
    const result = await driver.tick({ canary: canary(share), stable: healthy(1 - share) });
    log.push({
      decision: result.decision,
      phase: result.phase,
      green: (await driver.weights())['web-green-tg1'] ?? 0,
      reason: result.reason,
    });
    if (result.decision === 'scale-down') break;
  }
  return log;
}

describe('Function: canary-promoter (on moto)', () => {
  it('promotes a good canary 5 → 100, with its capacity healthy before each weight, then scales the old side in', async () => {
    // Prepare
    const { world, driver } = await startedCanary();
    const capacityAtEachWeight: Array<[number, number]> = [];
    const decisions: Array<[string, number]> = [];

    // Act
    for (let minute = 0; minute < 30; minute += 1) {
      const share = ((await driver.weights())['web-green-tg1'] ?? 0) / 100;
      const result = await driver.tick({ canary: healthy(share), stable: healthy(1 - share) });
      capacityAtEachWeight.push([(await driver.weights())['web-green-tg1'] ?? 0, await desired(world, 'web-green')]);
      decisions.push([result.decision, (await driver.weights())['web-green-tg1'] ?? 0]);
      if (result.decision === 'scale-down') break;
    }

    // Assess
    const weights = [...new Set(capacityAtEachWeight.map(([w]) => w))];
    expect(weights).toEqual([0, 5, 10, 25, 50, 100]);
    // The tick whose weight write takes the last step says the release is complete, once
    expect(decisions.filter(([d]) => d === 'complete')).toEqual([['complete', 100]]);
    expect(decisions.find(([, w]) => w === 100)?.[0]).toBe('complete');
    for (const [weight, tasks] of capacityAtEachWeight)
      expect(tasks).toBeGreaterThanOrEqual(Math.ceil((4 * weight) / 100));
    expect(await desired(world, 'web-blue')).toBe(0);
    expect(await desired(world, 'web-green')).toBe(4);
    const stored = await readCanary(driver.store, 'web');
    expect(stored?.data).toMatchObject({
      phase: 'done',
      idleScaledDown: true,
      taskDefinition: world.newTaskDefinitionArn,
    });
    expect(stored?.data.history.map((h) => h.to)).toEqual([
      'pending',
      'ramping',
      'ramping',
      'ramping',
      'ramping',
      'ramping',
      'done',
    ]);
  });

  it('holds on thin canary traffic: never promotes, never rolls back', async () => {
    // Prepare
    const { driver } = await startedCanary();

    // Act
    const log = await run(driver, 8, () => ({ requests: 3, errors: 1, latencySeconds: 0.5 }));

    // Assess
    expect(log.at(-1)).toMatchObject({ decision: 'hold', phase: 'ramping', green: 5 });
    expect(log.at(-1)?.reason).toMatch(/judge inconclusive: only \d+ canary requests/);
  });

  it('holds outside the promotion windows and starts when one opens', async () => {
    // Prepare: windows on Mondays only; the clock is a Thursday
    const { driver } = await startedCanary('    windows: [{ timeZone: Europe/Berlin, days: [mon] }]\n');

    // Act
    const log = await run(driver, 3);

    // Assess
    expect(log.map((l) => l.green)).toEqual([0, 0, 0]);
    expect(log.at(-1)?.reason).toBe('outside the promotion windows');
  });

  it('rolls back on a canary 5xx rate, then scales the canary in', async () => {
    // Prepare
    const { world, driver } = await startedCanary();
    await run(driver, 3);

    // Act
    const log = await run(driver, 10, (share) => ({ ...healthy(share), errors: Math.round(600 * share) }));

    // Assess
    expect(log.find((l) => l.decision === 'roll-back')?.reason).toMatch(/roll back to 0 %/);
    expect(await driver.weights()).toMatchObject({ 'web-blue-tg1': 100, 'web-green-tg1': 0 });
    expect(await desired(world, 'web-green')).toBe(0);
    expect((await readCanary(driver.store, 'web'))?.data.history.at(-1)).toMatchObject({ to: 'rolled-back' });
  });

  it('rolls back on canary latency', async () => {
    // Prepare
    const { driver } = await startedCanary();
    await run(driver, 2);

    // Act
    await run(driver, 2, (share) => ({ ...healthy(share), latencySeconds: 0.9 }));

    // Assess
    const record = (await readCanary(driver.store, 'web'))?.data;
    expect(record?.phase).toBe('rolled-back');
    expect(record?.history.find((h) => h.to === 'rolling-back')?.reason).toMatch(/response time .* stable/);
  });

  it('rolls back within one tick when a gate alarm goes to ALARM', async () => {
    // Prepare
    const { world, driver } = await startedCanary();
    await run(driver, 2);
    await gateAlarm(world, 'web-5xx', 'ALARM');

    // Act
    const log = await run(driver, 1);

    // Assess
    expect(log[0]).toMatchObject({ decision: 'roll-back', green: 0 });
    const history = (await readCanary(driver.store, 'web'))?.data.history ?? [];
    expect(history.find((h) => h.to === 'rolling-back')?.reason).toContain('web-5xx');
    expect(history.at(-1)).toMatchObject({ to: 'rolled-back' });
  });

  it('refuses to start while a gate alarm is in ALARM', async () => {
    // Prepare
    const world = await provisionCanaryWorld(proxy.endpoint);
    await gateAlarm(world, 'web-5xx', 'ALARM');
    const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START });

    // Act
    const started = driver.start();

    // Assess
    await expect(started).rejects.toThrow(/gate alarm\(s\) in ALARM: web-5xx/);
  });
});
