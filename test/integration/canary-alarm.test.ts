import { describe, expect, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import { canaryConfigYaml, gateAlarm, provisionCanaryWorld } from '#local/canary-world.js';
import { readCanary } from '#shared/canary/store.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
const START = '2026-11-26T06:00:00.000Z';

describe('Function: canary-promoter on a gate alarm (on moto)', () => {
  it('rolls the canary back at once when its gate alarm enters ALARM, and leaves it alone for other alarms', async () => {
    // Prepare: a canary at 5 %, then its gate alarm fires between two scheduled passes
    const world = await provisionCanaryWorld(proxy.endpoint);
    await gateAlarm(world, 'web-5xx', 'OK');
    const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START });
    await driver.start();
    await driver.tick({ canary: healthy(0), stable: healthy(1) });
    await driver.tick({ canary: healthy(0), stable: healthy(1) });
    const promoter = await coldContainer(world, 'canary-promoter', canaryConfigYaml(world), {
      STATE_TABLE_NAME: world.stateTableName,
    });
    const subject = { targetGroupArn: world.greenTargetGroupArn };
    const at = '2026-11-26T06:02:20.000Z';
    const other = alarmStateChangeEvent(world, { alarmName: 'api-cpu-high', subject, at });
    await gateAlarm(world, 'web-5xx', 'ALARM');
    const gate = alarmStateChangeEvent(world, { alarmName: 'web-5xx', subject, at });

    // Act
    const ignored = await promoter.react(other);
    const weightsBetween = await driver.weights();
    const results = await promoter.react(gate);

    // Assess
    expect(ignored).toEqual([]);
    expect(weightsBetween).toMatchObject({ 'web-green-tg1': 5, 'web-blue-tg1': 95 });
    expect(results).toEqual([expect.objectContaining({ name: 'web', decision: 'roll-back' })]);
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 0, 'web-blue-tg1': 100 });
    const history = (await readCanary(driver.store, 'web'))?.data.history ?? [];
    expect(history.find((h) => h.to === 'rolling-back')).toMatchObject({
      at,
      reason: expect.stringContaining('web-5xx'),
    });
  });
});
