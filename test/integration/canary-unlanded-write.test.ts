import { describe, expect, it } from 'vitest';
import { healthy } from '#local/canary-driver.js';
import { gateAlarm } from '#local/canary-world.js';
import { throttlingError } from '#local/moto-proxy.js';
import { abortRelease, requestPromotion } from '#shared/canary/commands.js';
import { CanaryTickError, tickCanaries } from '#shared/canary/react.js';
import { readCanary, updateCanary } from '#shared/canary/store.js';
import { functionDeps } from '#test/support/canary-tick-deps.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { startedCanary } from '#test/support/started-canary.js';

const proxy = await useMotoProxy();

const minuteAfter = (at: string) => new Date(Date.parse(at) + 60_000).toISOString();

/**
 * A canary asked to promote fully, its capacity ready, whose tick claimed 100/0 and then had its weight write
 * throttled past every attempt: the record says 100/0 unverified, the rule still sends everything to the stable side.
 */
async function fullPromotionNeverLanded() {
  const { world, driver } = await startedCanary(proxy, { capacity: false });
  await updateCanary(driver.store, 'web', (r) => requestPromotion(r, 'web', true, driver.now(), 'alice'));
  await driver.tick({ canary: healthy(0), stable: healthy(1) });
  const deps = functionDeps(proxy, world, driver);
  const stopThrottling = proxy.addRule({
    name: 'ModifyRule throttled',
    match: (call) => call.operation === 'ModifyRule',
    respond: throttlingError,
  });
  const failed = await tickCanaries(deps, driver.now()).catch((error: unknown) => error);
  stopThrottling();
  return { world, driver, deps, failed, at: driver.now() };
}

const weightWritesSince = (from: number) =>
  proxy
    .calls()
    .slice(from)
    .filter((c) => c.operation === 'ModifyRule').length;

describe('Canary tick: a weight write that never landed does not outrank a rollback (on moto)', () => {
  it('rolls back on a gate alarm instead of writing the unlanded full promotion again', async () => {
    // Prepare
    const { world, driver, deps, failed, at } = await fullPromotionNeverLanded();
    const claimed = (await readCanary(driver.store, 'web'))?.data;
    await gateAlarm(world, 'web-5xx', 'ALARM');
    const from = proxy.calls().length;

    // Act
    const [result] = await tickCanaries(deps, minuteAfter(at));

    // Assess
    expect(failed).toBeInstanceOf(CanaryTickError);
    expect(claimed).toMatchObject({ phase: 'ramping', written: { canary: 100, stable: 0, verified: false } });
    expect(result).toMatchObject({ decision: 'roll-back', phase: 'rolled-back' });
    expect(weightWritesSince(from)).toBe(0);
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 0, 'web-blue-tg1': 100 });
    expect((await readCanary(driver.store, 'web'))?.data.written).toMatchObject({
      canary: 0,
      stable: 100,
      verified: true,
    });
  });

  it('carries out an abort instead of writing the unlanded full promotion again', async () => {
    // Prepare
    const { driver, deps, at } = await fullPromotionNeverLanded();
    await updateCanary(driver.store, 'web', (r) => abortRelease(r, 'web', false, at, 'alice'));
    const from = proxy.calls().length;

    // Act
    const [result] = await tickCanaries(deps, minuteAfter(at));

    // Assess
    expect(result).toMatchObject({ decision: 'roll-back', phase: 'rolled-back' });
    expect(weightWritesSince(from)).toBe(0);
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 0, 'web-blue-tg1': 100 });
  });

  it('writes the unlanded promotion again once the gates still pass, and confirms it', async () => {
    // Prepare
    const { driver, deps, at } = await fullPromotionNeverLanded();

    // Act
    const [retry] = await tickCanaries(deps, minuteAfter(at));

    // Assess
    expect(retry).toMatchObject({ decision: 'complete', phase: 'done' });
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 100, 'web-blue-tg1': 0 });
  });
});
