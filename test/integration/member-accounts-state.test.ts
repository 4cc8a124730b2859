import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { type AccountEndpoint, startAccountEndpoint } from '#local/moto-account.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, receiveOutboxAlerts, type World } from '#local/world.js';
import { CPU_HIGH } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';

const endpoint = inject('motoEndpoint');
const MEMBER = '222222222222';

/** The same cluster and service in the deployment's own account and in a member account, both scaled by CPU. */
const web = { name: 'web', scaling: { minCount: 1, maxCount: 10 } };
const CONFIG = stringify({
  version: 1,
  accounts: [{ id: MEMBER, regions: ['us-east-1'], externalId: 'autopilot-test' }],
  alarms: [CPU_HIGH],
  clusters: [
    { name: 'prod', services: [web] },
    { name: 'prod', account: MEMBER, region: 'us-east-1', services: [web] },
  ],
});

describe('State of same-named services in two accounts', () => {
  let member: AccountEndpoint;
  let central: World;
  let memberWorld: World;

  beforeAll(async () => {
    member = await startAccountEndpoint(endpoint, MEMBER);
  });
  afterAll(() => member.stop());

  beforeEach(async () => {
    central = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: 3 }] });
    // The member's web is bound to two target groups: its stops' reports are claimed apart from its leases' release.
    memberWorld = await provisionWorld(member.endpoint, {
      services: [{ name: 'web', tasks: 3, targetGroups: 2 }],
      alerts: false,
    });
  });

  const task = (world: World, i: number) => {
    const found = world.services.web?.tasks[i];
    if (!found) throw new Error(`no web task ${i}`);
    return found;
  };
  const crashLoopAlerts = async () =>
    (await receiveOutboxAlerts(central)).filter((a) => a.kind === 'task-stopped/crash-loop');
  const desiredCount = async (at: string) => {
    const ecs = new ECSClient({ endpoint: at, region: 'us-east-1' });
    return (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]
      ?.desiredCount;
  };

  it("counts a service's failed stops apart from the same-named service's of another account", async () => {
    // Prepare: desired 3, so three failed stops of one service within the window are a crash loop
    const { react } = await coldContainer(central, 'task-state-change', CONFIG);
    for (const i of [0, 1]) await react(taskStateChangeEvent(memberWorld, task(memberWorld, i)));

    // Act: two stops at home, the member's third, then home's third
    for (const i of [0, 1]) await react(taskStateChangeEvent(central, task(central, i)));
    await react(taskStateChangeEvent(memberWorld, task(memberWorld, 2)));
    await react(taskStateChangeEvent(central, task(central, 2)));

    // Assess: counted together, home's first stop would have made the one crash loop (home's); apart, each its own
    const alerts = await crashLoopAlerts();
    expect(alerts.map((a) => a.account)).toEqual([MEMBER, central.account]);
    expect(new Set(alerts.map((a) => a.incidentId)).size).toBe(2);
  });

  it("claims a member's stop reports under the member's partition, apart from home's, and frees each group's lease", async () => {
    // Prepare: moto never deregisters, so each stop's targets are still in service and removed under their group's
    // lease; home's one group's lease is freed in the claim's write, the member's two before their own claim
    const { react } = await coldContainer(central, 'task-state-change', CONFIG);
    const stopped = [task(memberWorld, 0), task(central, 0)];

    // Act
    await react(taskStateChangeEvent(memberWorld, task(memberWorld, 0)));
    await react(taskStateChangeEvent(central, task(central, 0)));

    // Assess
    const dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1' });
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: central.stateTableName }));
    const items = Items.map((item) => unmarshall(item));
    const reports = items.filter((i) => i.sk === 'stop-reports');
    expect(reports.map((i) => i.pk).sort()).toEqual([`${MEMBER}/us-east-1#service/prod/web`, 'service/prod/web']);
    for (const [i, pk] of [`${MEMBER}/us-east-1#service/prod/web`, 'service/prod/web'].entries()) {
      const record = JSON.stringify(reports.find((r) => r.pk === pk));
      const own = stopped[i]?.taskArn.split('/').pop() ?? '-';
      const other = stopped[1 - i]?.taskArn.split('/').pop() ?? '-';
      expect(record).toContain(own);
      expect(record).not.toContain(other);
    }
    expect(items.filter((i) => i.sk === 'lease/membership')).toEqual([]);
  });

  it("scales a member's service although the same-named service at home is in its cooldown", async () => {
    // Prepare: home's web scaled out 3 → 5, which starts its five-minute cooldown
    const cpuHigh = (world: World) =>
      alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' } });
    const home = await coldContainer(central, 'alarm-state-change', CONFIG);
    const atHome = await home.react(cpuHigh(central));

    // Act
    const other = await coldContainer(central, 'alarm-state-change', CONFIG);
    const inMember = await other.react(cpuHigh(memberWorld));

    // Assess
    expect(atHome.audit.map((r) => [r.action.kind, r.outcome])).toEqual([['set-desired-count', 'applied']]);
    expect(inMember.audit.map((r) => [r.action.kind, r.outcome])).toEqual([['set-desired-count', 'applied']]);
    expect(await desiredCount(endpoint)).toBe(5);
    expect(await desiredCount(member.endpoint)).toBe(5);
  });
});
