import { parse } from 'yaml';
import { startRelease } from '#shared/canary/commands.js';
import { observeAlarms, observeSides } from '#shared/canary/observe.js';
import { type CanaryTickResult, tickCanaries } from '#shared/canary/react.js';
import { updateCanary } from '#shared/canary/store.js';
import { parseConfig } from '#shared/config/load.js';
import type { AutopilotConfig } from '#shared/config/schema.js';
import { logger } from '#shared/logging/logger.js';
import { forwardSnapshotOf } from '#shared/targets/forward.js';
import { readActionList } from '#shared/targets/forward-read.js';
import {
  type CanaryWorld,
  canaryClients,
  canaryConfigYaml,
  canaryStore,
  putMinute,
  settleServices,
} from './canary-world.js';

/** Traffic one side serves in a minute. */
export interface SideTraffic {
  requests: number;
  errors: number;
  latencySeconds: number;
}

/**
 * Drives canaries on a world the way production does, on a compressed clock: `start` as the CLI does, `tick` as the
 * scheduled function does, with the metrics of the minute before each tick put into CloudWatch first and ECS's own
 * work (tasks up to the desired count, registered) done after it.
 */
export function canaryDriver(
  world: CanaryWorld,
  options: { endpoint: string; extraYaml?: string; start: string; judgeYaml?: string | null; dryRun?: boolean },
) {
  const yaml = canaryConfigYaml(world, options.extraYaml ?? '', options.judgeYaml);
  const config: AutopilotConfig = parseConfig({ ...parse(yaml), ...(options.dryRun && { dryRun: true }) });
  const clients = canaryClients(options.endpoint);
  const store = canaryStore(world, options.endpoint);
  let now = Date.parse(options.start);
  const canary = config.canaries[0];
  if (!canary) throw new Error('the canary world config names no canary');
  const deps = { config, clients, store, logger, region: world.region };

  return {
    config,
    store,
    now: () => new Date(now).toISOString(),
    async start(taskDefinition = world.newTaskDefinitionArn) {
      const sides = await observeSides(clients, canary);
      const forward = forwardSnapshotOf(await readActionList(clients.elbv2, world.actionArn));
      const alarms = await observeAlarms(clients.cloudwatch, canary.gateAlarms);
      return updateCanary(store, canary.name, (previous) =>
        startRelease(
          canary,
          previous,
          { now: new Date(now).toISOString(), forward, sides, alarms },
          { taskDefinition, by: 'cli:test' },
        ),
      );
    },
    /** Puts the last minute's traffic of each side, ticks once, then lets ECS settle; the clock moves a minute. */
    async tick(traffic: { canary: SideTraffic; stable: SideTraffic }): Promise<CanaryTickResult> {
      const minute = new Date(now - 60_000).toISOString();
      await putMinute(world, world.greenTargetGroupArn, minute, traffic.canary);
      await putMinute(world, world.blueTargetGroupArn, minute, traffic.stable);
      const [result] = await tickCanaries(deps, new Date(now).toISOString());
      await settleServices(world);
      now += 60_000;
      return result as CanaryTickResult;
    },
    async weights(): Promise<Record<string, number>> {
      const snapshot = forwardSnapshotOf(await readActionList(canaryClients(world.endpoint).elbv2, world.actionArn));
      return Object.fromEntries(
        (snapshot?.targetGroups ?? []).map((tg) => [tg.targetGroupArn.split('/')[1], tg.weight]),
      );
    },
    async forward() {
      return forwardSnapshotOf(await readActionList(canaryClients(world.endpoint).elbv2, world.actionArn));
    },
  };
}

/** Healthy traffic for a side taking `share` of 10 000 requests a minute. */
export const healthy = (share: number): SideTraffic => ({
  requests: Math.round(10_000 * share),
  errors: Math.round(share * 2),
  latencySeconds: 0.12,
});
