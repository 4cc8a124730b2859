import { Logger } from '@aws-lambda-powertools/logger';
import { parse } from 'yaml';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import {
  canaryClients,
  canaryConfigYaml,
  canaryStore,
  gateAlarm,
  provisionCanaryWorld,
  putMinute,
  settleServices,
} from '#local/canary-world.js';
import type { MotoProxy } from '#local/moto-proxy.js';
import { tickCanaries } from '#shared/canary/react.js';
import { parseConfig } from '#shared/config/load.js';
import type { EventCost } from './events-child.js';

/**
 * Ticks of one canary as the canary-promoter's schedule runs them, a minute apart on a compressed clock, after a
 * release started: per tick its time and the AWS calls the proxy saw during it (the traffic put before a tick and
 * what ECS does after it are not counted). The first tick is the cold one only in that nothing is cached yet.
 */
export async function measureCanaryTicks(proxy: MotoProxy, ticks: number): Promise<EventCost[]> {
  const world = await provisionCanaryWorld(proxy.endpoint);
  await gateAlarm(world, 'web-5xx', 'OK');
  let now = Math.floor(Date.now() / 60_000) * 60_000;
  const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: new Date(now).toISOString() });
  await driver.start();
  const config = parseConfig(parse(canaryConfigYaml(world)));
  const deps = {
    config,
    clients: canaryClients(proxy.endpoint),
    store: canaryStore(world),
    logger: new Logger({ logLevel: 'SILENT' }),
    region: world.region,
  };
  const costs: EventCost[] = [];
  for (let i = 0; i < ticks; i++) {
    const minute = new Date(now - 60_000).toISOString();
    await putMinute(world, world.greenTargetGroupArn, minute, healthy(0.1));
    await putMinute(world, world.blueTargetGroupArn, minute, healthy(0.9));
    const before = proxy.calls().length;
    const started = performance.now();
    await tickCanaries(deps, new Date(now).toISOString());
    const ms = performance.now() - started;
    const calls: Record<string, number> = {};
    for (const call of proxy.calls().slice(before)) calls[call.operation] = (calls[call.operation] ?? 0) + 1;
    costs.push({ ms, calls });
    await settleServices(world);
    now += 60_000;
  }
  return costs;
}
