import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { canaryDriver } from '#local/canary-driver.js';
import { type CanaryWorld, canaryClients, canaryEntryYaml } from '#local/canary-world.js';
import { type CanaryTickDeps, CanaryTickError, tickCanaries, tickCanariesGatedBy } from '#shared/canary/react.js';
import { canaryKey, readCanary } from '#shared/canary/store.js';
import { parseConfig } from '#shared/config/load.js';
import { logger } from '#shared/logging/logger.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { startedCanary } from '#test/support/started-canary.js';

const proxy = await useMotoProxy();
// Not the account in the ARNs: what the pass is told wins.
const ACCOUNT = '210987654321';

const readyCanary = () => startedCanary(proxy, { capacity: true });

/**
 * The config of `web` with another canary `name` before it, on a rule of the same listener that does not exist, gated
 * by `<name>-5xx`: the pass meets it first.
 */
function withCanaryBefore(world: CanaryWorld, name: string) {
  const web = canaryEntryYaml(world, '{ minRequests: 100 }');
  const other = web
    .replace('name: web', `name: ${name}`)
    .replace(world.actionArn, world.actionArn.replace(/\/[0-9a-f]+$/, '/0123456789abcdef'))
    .replace('gateAlarms: [web-5xx]', `gateAlarms: [${name}-5xx]`);
  const yaml = `version: 1
clusters:
  - name: ${world.clusterName}
    services: [{ name: web-blue }, { name: web-green }]
canaries:
${other}${web}`;
  return parseConfig(parse(yaml));
}

function deps(world: CanaryWorld, driver: ReturnType<typeof canaryDriver>, extra: Partial<CanaryTickDeps> = {}) {
  return {
    config: driver.config,
    clients: canaryClients(proxy.endpoint),
    store: driver.store,
    logger,
    region: world.region,
    ...extra,
  } satisfies CanaryTickDeps;
}

const callsSince = (from: number) =>
  proxy
    .calls()
    .slice(from)
    .map((c) => `${c.service}:${c.operation}`);

describe('Canary pass: every canary of the config, or those an alarm gates (on moto)', () => {
  it('ticks the canaries after one whose tick failed, then fails saying how many failed', async () => {
    // Prepare: `gone` has a record like web's, but its rule no longer exists
    const { world, driver } = await readyCanary();
    const config = withCanaryBefore(world, 'gone');
    const web = await readCanary(driver.store, 'web');
    await driver.store.create(canaryKey('gone'), web?.data);

    // Act
    const failure = await tickCanaries(deps(world, driver, { config }), driver.now()).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(CanaryTickError);
    expect((failure as Error).message).toMatch(/^1 canary tick\(s\) failed: \S/);
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 5, 'web-blue-tg1': 95 });
    expect((await readCanary(driver.store, 'gone'))?.version).toBe(1);
  });

  it('says which canaries are not started, and stamps the account and region it acted in', async () => {
    // Prepare
    const { world, driver } = await readyCanary();
    const config = withCanaryBefore(world, 'later');

    // Act
    const results = await tickCanaries(deps(world, driver, { config, account: ACCOUNT }), driver.now());

    // Assess
    expect(results).toEqual([
      {
        name: 'later',
        decision: 'not-started',
        reason: 'not started: canary start later',
        gates: [],
        audit: [],
        account: ACCOUNT,
        region: world.region,
      },
      expect.objectContaining({ name: 'web', decision: 'start', account: ACCOUNT, region: world.region }),
    ]);
    expect(results[1]?.alert).toMatchObject({ account: ACCOUNT, region: world.region });
    expect((await readCanary(driver.store, 'web'))?.data).toMatchObject({ account: ACCOUNT, region: world.region });
  });

  it('ticks at once only the canaries that name the alarm as a gate, and none for another alarm', async () => {
    // Prepare
    const { world, driver } = await readyCanary();
    const config = withCanaryBefore(world, 'later');
    const from = proxy.calls().length;

    // Act
    const byLater = await tickCanariesGatedBy(deps(world, driver, { config }), 'later-5xx', driver.now());
    const byNone = await tickCanariesGatedBy(deps(world, driver, { config }), 'db-5xx', driver.now());
    const byWeb = await tickCanariesGatedBy(deps(world, driver, { config }), 'web-5xx', driver.now());

    // Assess
    expect(byLater.map((r) => [r.name, r.decision])).toEqual([['later', 'not-started']]);
    expect(byNone).toEqual([]);
    expect(byWeb.map((r) => [r.name, r.decision])).toEqual([['web', 'start']]);
    expect(callsSince(from).filter((c) => c === 'elasticloadbalancing:ModifyRule')).toHaveLength(1);
  });

  it.each(['done', 'rolled-back'] as const)(
    'reads only its record once a release is %s and its idle side scaled in',
    async (phase) => {
      // Prepare
      const { world, driver } = await readyCanary();
      const stored = await readCanary(driver.store, 'web');
      if (!stored) throw new Error('web was started');
      await driver.store.replace(stored, { ...stored.data, phase, idleScaledDown: true, reason: `${phase} earlier` });
      const from = proxy.calls().length;

      // Act
      const [result] = await tickCanaries(deps(world, driver), driver.now());

      // Assess
      expect(result).toMatchObject({ decision: 'idle', phase, reason: `${phase} earlier` });
      expect(callsSince(from)).toEqual(['dynamodb:GetItem']);
    },
  );

  it('leaves a finished release alone once its canary is disabled, its idle side not scaled in yet', async () => {
    // Prepare: done, the idle side not scaled in yet, then `enabled: false` in the config
    const { world, driver } = await readyCanary();
    const stored = await readCanary(driver.store, 'web');
    if (!stored) throw new Error('web was started');
    await driver.store.replace(stored, { ...stored.data, phase: 'done' });
    const disabled = { ...driver.config, canaries: driver.config.canaries.map((c) => ({ ...c, enabled: false })) };
    const from = proxy.calls().length;

    // Act
    const [result] = await tickCanaries(deps(world, driver, { config: disabled }), driver.now());

    // Assess
    expect(result).toMatchObject({ decision: 'idle', phase: 'done', reason: 'disabled in the config' });
    expect(callsSince(from)).toEqual(['dynamodb:GetItem']);
  });
});
