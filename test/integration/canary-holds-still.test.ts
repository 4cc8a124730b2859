import { DescribeServicesCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import { type CanaryWorld, canaryClients, gateAlarm, provisionCanaryWorld } from '#local/canary-world.js';
import { isMutating } from '#local/fault-injection.js';
import { refuseInvalidWeights } from '#local/moto-proxy-rules.js';
import { pauseRelease } from '#shared/canary/commands.js';
import { tickCanaries } from '#shared/canary/react.js';
import { readCanary, updateCanary } from '#shared/canary/store.js';
import { logger } from '#shared/logging/logger.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
// A Thursday, 06:00 UTC.
const START = '2026-11-26T06:00:00.000Z';

type Driver = ReturnType<typeof canaryDriver>;

/** A started canary on a fresh world, with AWS's refusal of invalid weights in front of moto. */
async function startedCanary(options: { extraYaml?: string; dryRun?: boolean } = {}) {
  refuseInvalidWeights(proxy);
  const world = await provisionCanaryWorld(proxy.endpoint);
  await gateAlarm(world, 'web-5xx', 'OK');
  const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START, ...options });
  await driver.start();
  return { world, driver };
}

/** What production traffic sees and what the promoter decided: the canary's weight and each side's desired count. */
async function snapshot(world: CanaryWorld, driver: Driver) {
  const out = await canaryClients(world.endpoint).ecs.send(
    new DescribeServicesCommand({ cluster: world.clusterName, services: ['web-blue', 'web-green'] }),
  );
  const desired = Object.fromEntries((out.services ?? []).map((s) => [s.serviceName, s.desiredCount]));
  const stored = await readCanary(driver.store, 'web');
  return { green: (await driver.weights())['web-green-tg1'], desired, version: stored?.version };
}

/** Ticks `n` times with healthy traffic on both sides, and the AWS writes those ticks made (the state table apart). */
async function healthyTicks(driver: Driver, n: number) {
  const from = proxy.calls().length;
  const results = [];
  for (let i = 0; i < n; i += 1) {
    const share = ((await driver.weights())['web-green-tg1'] ?? 0) / 100;
    results.push(await driver.tick({ canary: healthy(share), stable: healthy(1 - share) }));
  }
  const calls = proxy.calls().slice(from);
  const writes = calls.filter((c) => isMutating(c) && c.service !== 'dynamodb');
  return { results, calls, writes: writes.map((c) => c.operation) };
}

/** One tick as the scheduled function makes it, nothing else around it, and the AWS calls it made. */
async function soleTick(world: CanaryWorld, driver: Driver) {
  const deps = {
    config: driver.config,
    clients: canaryClients(world.endpoint),
    store: driver.store,
    logger,
    region: world.region,
  };
  const from = proxy.calls().length;
  const [result] = await tickCanaries(deps, driver.now());
  return {
    result,
    calls: proxy
      .calls()
      .slice(from)
      .map((c) => `${c.service}:${c.operation}`),
  };
}

/** The minute's metrics the test puts, and ECS's own writes while it settles the services, are not the promoter's. */
const promoterWrites = (writes: string[]) =>
  writes.filter((w) => !/PutMetricData|RegisterTargets|RunTask|StopTask/.test(w));

describe('Function: canary-promoter, when it must leave production traffic alone (on moto)', () => {
  it('moves no weight and no capacity while a side carries ecs-autopilot:disabled, and resumes once it is removed', async () => {
    // Prepare: the canary took its first step
    const { world, driver } = await startedCanary();
    await healthyTicks(driver, 2);
    const before = await snapshot(world, driver);
    const green = world.services['web-green']?.serviceArn;
    const { ecs } = canaryClients(world.endpoint);
    await ecs.send(
      new TagResourceCommand({ resourceArn: green, tags: [{ key: 'ecs-autopilot:disabled', value: 'true' }] }),
    );

    // Act
    const tagged = await healthyTicks(driver, 3);
    const during = await snapshot(world, driver);
    await ecs.send(new UntagResourceCommand({ resourceArn: green, tagKeys: ['ecs-autopilot:disabled'] }));
    const untagged = await healthyTicks(driver, 3);

    // Assess
    expect(before.green).toBeGreaterThan(0);
    expect(tagged.results.map((r) => [r.decision, r.reason])).toEqual(
      Array(3).fill(['idle', 'a side carries the ecs-autopilot:disabled tag']),
    );
    expect(promoterWrites(tagged.writes)).toEqual([]);
    expect(during).toEqual(before);
    expect((await snapshot(world, driver)).green).toBeGreaterThan(before.green ?? 0);
    expect(untagged.results.some((r) => r.decision === 'promote')).toBe(true);
  });

  it('plans the canary’s capacity in a dry run but moves no weight, no capacity and no record', async () => {
    // Prepare
    const { world, driver } = await startedCanary({ dryRun: true });
    const before = await snapshot(world, driver);

    // Act
    const { results, writes } = await healthyTicks(driver, 3);

    // Assess
    // The canary's capacity comes first: each tick plans it again, as nothing was applied
    for (const result of results) {
      expect(result.decision).toBe('hold');
      expect(result.reason).toMatch(/^capacity first: preparing web-green \(1 tasks of .+\) before 5 %$/);
      expect(result.audit.map((a) => [a.action.kind, a.outcome])).toEqual([
        ['set-task-definition', 'dry-run'],
        ['set-desired-count', 'dry-run'],
      ]);
    }
    expect(promoterWrites(writes)).toEqual([]);
    expect(await snapshot(world, driver)).toEqual(before);
    expect((await readCanary(driver.store, 'web'))?.data.phase).toBe('pending');
  });

  it('leaves a paused canary at its weight, saying why, and observes nothing for it', async () => {
    // Prepare
    const { world, driver } = await startedCanary();
    await healthyTicks(driver, 2);
    await updateCanary(driver.store, 'web', (r) => pauseRelease(r, 'web', driver.now(), 'cli:operator'));
    const before = await snapshot(world, driver);

    // Act
    const { results, writes } = await healthyTicks(driver, 3);
    const sole = await soleTick(world, driver);

    // Assess
    expect(sole.calls, 'nothing observed for a canary left alone').toEqual(['dynamodb:GetItem']);
    expect(results.map((r) => [r.decision, r.reason, r.phase])).toEqual(
      Array(3).fill(['idle', 'paused: paused by cli:operator', 'paused']),
    );
    expect(promoterWrites(writes)).toEqual([]);
    expect(await snapshot(world, driver)).toEqual(before);
  });

  it('leaves a canary disabled in the config as it is, whatever its traffic, and observes nothing for it', async () => {
    // Prepare
    const { world, driver } = await startedCanary({ extraYaml: '    enabled: false\n' });
    const before = await snapshot(world, driver);

    // Act
    const { results, writes } = await healthyTicks(driver, 2);
    const sole = await soleTick(world, driver);

    // Assess
    expect(sole.calls, 'nothing observed for a canary left alone').toEqual(['dynamodb:GetItem']);
    expect(results.map((r) => [r.decision, r.reason])).toEqual(Array(2).fill(['idle', 'disabled in the config']));
    expect(promoterWrites(writes)).toEqual([]);
    expect(await snapshot(world, driver)).toEqual(before);
  });

  it('reads only its record on a tick once a release is done and its idle side scaled in', async () => {
    // Prepare
    const { world, driver } = await startedCanary();
    let finished = false;
    for (let minute = 0; minute < 40 && !finished; minute += 1) {
      const { results } = await healthyTicks(driver, 1);
      finished = results[0]?.decision === 'scale-down';
    }

    // Act
    const { result, calls } = await soleTick(world, driver);

    // Assess
    expect(finished).toBe(true);
    expect(result).toMatchObject({ decision: 'idle', phase: 'done' });
    expect(calls).toEqual(['dynamodb:GetItem']);
  });
});
