/**
 * Canaries spread over two accounts for tests and the demo: a canary named web in the central world and one of the
 * same name in a member account's world, the config that places them, and a release started as `canary start` does.
 */
import { parse } from 'yaml';
import { startRelease } from '#shared/canary/commands.js';
import { observeAlarms, observeSides } from '#shared/canary/observe.js';
import { type StoredCanary, updateCanary } from '#shared/canary/store.js';
import { parseConfig } from '#shared/config/load.js';
import { statedPlace } from '#shared/config/places.js';
import { forwardSnapshotOf } from '#shared/targets/forward.js';
import { readActionList } from '#shared/targets/forward-read.js';
import { type CanaryWorld, canaryClients, canaryEntryYaml, canaryStore } from './canary-world.js';

/** The judge both canaries use: enough requests on each side for a verdict. */
const judge = '{ minRequests: 100 }';

/** The config of both: the member listed with its external id, a cluster and a canary web in each account. */
export function twoAccountCanaryYaml(central: CanaryWorld, member: CanaryWorld, memberAccount: string): string {
  return `version: 1
accounts:
  - id: "${memberAccount}"
    regions: [${member.region}]
    externalId: autopilot-test
clusters:
  - name: ${central.clusterName}
    services: [{ name: web-blue }, { name: web-green }]
  - name: ${member.clusterName}
    account: "${memberAccount}"
    services: [{ name: web-blue }, { name: web-green }]
canaries:
${canaryEntryYaml(central, judge)}${canaryEntryYaml(member, judge, `\n    account: "${memberAccount}"`)}`;
}

/**
 * A release of the canary of `account` (home's when undefined), started at `now` as `canary start` does: the sides,
 * action and gate alarms read in that canary's own account, the record kept in the central state table.
 */
export async function startPlacedCanary(
  central: CanaryWorld,
  world: CanaryWorld,
  options: { yaml: string; account?: string; now: string },
): Promise<StoredCanary> {
  const config = parseConfig(parse(options.yaml));
  const canary = config.canaries.find((c) => c.account === options.account);
  if (!canary) throw new Error(`the config places no canary in ${options.account ?? 'the home account'}`);
  const clients = canaryClients(world.endpoint);
  const sides = await observeSides(clients, canary);
  const forward = forwardSnapshotOf(await readActionList(clients.elbv2, world.ruleArn));
  const alarms = await observeAlarms(clients.cloudwatch, canary.gateAlarms);
  const change = { now: options.now, forward, sides, alarms };
  const release = { taskDefinition: world.newTaskDefinitionArn, by: 'cli:test' };
  return updateCanary(
    canaryStore(central),
    canary.name,
    (previous) => startRelease(canary, previous, change, release),
    statedPlace(canary, config),
  );
}

/** The weights of a world's rule by target group name (`web-green-tg1`…). */
export async function ruleWeights(world: CanaryWorld): Promise<Record<string, number>> {
  const snapshot = forwardSnapshotOf(await readActionList(canaryClients(world.endpoint).elbv2, world.ruleArn));
  return Object.fromEntries((snapshot?.targetGroups ?? []).map((tg) => [tg.targetGroupArn.split('/')[1], tg.weight]));
}
