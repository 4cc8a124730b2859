import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { healthy, type SideTraffic } from '#local/canary-driver.js';
import {
  type CanaryWorld,
  canaryClients,
  canaryStore,
  gateAlarm,
  provisionCanaryWorld,
  putMinute,
  settleServices,
} from '#local/canary-world.js';
import { ruleWeights, startPlacedCanary, twoAccountCanaryYaml } from '#local/member-canary.js';
import { type AccountEndpoint, startAccountEndpoint } from '#local/moto-account.js';
import { recordAssumeRoles, refuseAssumeRole } from '#local/moto-proxy-sts.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { receiveOutboxAlerts } from '#local/world.js';
import type { CanaryTickResult } from '#shared/canary/react.js';
import { readCanary } from '#shared/canary/store.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
const MEMBER = '222222222222';
const MEMBER_ROLE = `arn:aws:iam::${MEMBER}:role/ecs-autopilot-member`;
// A Thursday, 06:00 UTC.
const START = Date.parse('2026-11-26T06:00:00.000Z');

async function desiredCounts(world: CanaryWorld): Promise<number[]> {
  const { ecs } = canaryClients(world.endpoint);
  const out = await ecs.send(
    new DescribeServicesCommand({ cluster: world.clusterName, services: ['web-blue', 'web-green'] }),
  );
  return (out.services ?? []).map((s) => s.desiredCount ?? -1);
}

describe('Function: canary-promoter, across accounts', () => {
  let member: AccountEndpoint;
  let central: CanaryWorld;
  let memberWorld: CanaryWorld;
  let minute: number;

  beforeAll(async () => {
    member = await startAccountEndpoint(proxy.endpoint, MEMBER);
  });
  afterAll(() => member.stop());

  beforeEach(async () => {
    central = await provisionCanaryWorld(proxy.endpoint);
    memberWorld = await provisionCanaryWorld(member.endpoint);
    await gateAlarm(central, 'web-5xx', 'OK');
    await gateAlarm(memberWorld, 'web-5xx', 'OK');
    minute = START;
  });

  /** One scheduled pass of the function: last minute's traffic of `world` first, ECS's own work after. */
  async function pass(
    promoter: Awaited<ReturnType<typeof coldContainer<'canary-promoter'>>>,
    world: CanaryWorld,
    canary: (share: number) => SideTraffic,
  ): Promise<CanaryTickResult[]> {
    const share = ((await ruleWeights(world))['web-green-tg1'] ?? 0) / 100;
    const before = new Date(minute - 60_000).toISOString();
    await putMinute(world, world.greenTargetGroupArn, before, canary(share));
    await putMinute(world, world.blueTargetGroupArn, before, healthy(1 - share));
    const results = (await promoter.react(scheduledEvent(central, new Date(minute)))) as CanaryTickResult[];
    await settleServices(world);
    minute += 60_000;
    return results;
  }

  it("promotes and rolls back a member's canary through its role, touching nothing of home's same-named canary", async () => {
    // Prepare
    const yaml = twoAccountCanaryYaml(central, memberWorld, MEMBER);
    await startPlacedCanary(central, memberWorld, { yaml, account: MEMBER, now: new Date(START).toISOString() });
    const assumed = recordAssumeRoles(proxy);
    const homeWeights = await ruleWeights(central);
    const homeDesired = await desiredCounts(central);
    const promoter = await coldContainer(central, 'canary-promoter', yaml, {
      STATE_TABLE_NAME: central.stateTableName,
    });
    const greenSeen: number[] = [];

    // Act: healthy until the canary has 10 %, then a 5xx storm on the canary side
    let results: CanaryTickResult[] = [];
    for (let i = 0; i < 12 && (greenSeen.at(-1) ?? 0) < 10; i += 1) {
      results = await pass(promoter, memberWorld, healthy);
      greenSeen.push((await ruleWeights(memberWorld))['web-green-tg1'] ?? 0);
    }
    for (let i = 0; i < 6 && results.at(-1)?.decision !== 'roll-back'; i += 1)
      results = await pass(promoter, memberWorld, (share) => ({ ...healthy(share), errors: Math.round(600 * share) }));

    // Assess: the member's canary moved up, then back, in its own account
    expect([...new Set(greenSeen)]).toEqual(expect.arrayContaining([5, 10]));
    expect(results.map((r) => [r.name, r.account, r.decision])).toEqual([
      ['web', central.account, 'not-started'],
      ['web', MEMBER, 'roll-back'],
    ]);
    expect(await ruleWeights(memberWorld)).toMatchObject({ 'web-green-tg1': 0, 'web-blue-tg1': 100 });
    const memberRecord = await readCanary(canaryStore(central), 'web', { account: MEMBER, region: 'us-east-1' });
    expect(memberRecord?.data).toMatchObject({ phase: 'rolled-back', account: MEMBER, region: 'us-east-1' });
    // Home's canary of the same name: no record, its rule and services as they were
    expect(await readCanary(canaryStore(central), 'web')).toBeUndefined();
    expect(await ruleWeights(central)).toEqual(homeWeights);
    expect(await desiredCounts(central)).toEqual(homeDesired);
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed[0]).toMatchObject({
      RoleArn: MEMBER_ROLE,
      RoleSessionName: expect.stringMatching(/^canary-promoter-/),
      ExternalId: 'autopilot-test',
    });
    const alerts = await receiveOutboxAlerts(central);
    const rollback = alerts.find((a) => a.kind === 'canary/roll-back');
    expect(rollback).toMatchObject({ account: MEMBER, region: 'us-east-1' });
    expect(rollback?.incidentId).toBe(`canary/${MEMBER}/us-east-1/web/release-1`);
  });

  it("rolls back only the canary of the alarm's own account when a same-named gate alarm fires there", async () => {
    // Prepare: both canaries at 5 %
    const yaml = twoAccountCanaryYaml(central, memberWorld, MEMBER);
    await startPlacedCanary(central, central, { yaml, now: new Date(START).toISOString() });
    await startPlacedCanary(central, memberWorld, { yaml, account: MEMBER, now: new Date(START).toISOString() });
    const promoter = await coldContainer(central, 'canary-promoter', yaml, {
      STATE_TABLE_NAME: central.stateTableName,
    });
    for (let i = 0; i < 3; i += 1) {
      await pass(promoter, central, healthy);
      await settleServices(memberWorld);
    }
    expect((await ruleWeights(memberWorld))['web-green-tg1']).toBe(5);
    await gateAlarm(memberWorld, 'web-5xx', 'ALARM');
    const at = new Date(minute).toISOString();
    const fired = {
      ...alarmStateChangeEvent(central, {
        alarmName: 'web-5xx',
        subject: { targetGroupArn: memberWorld.greenTargetGroupArn },
        at,
      }),
      account: MEMBER,
    };

    // Act
    const foreign = await promoter.react({ ...fired, account: '333333333333' });
    const results = await promoter.react(fired);

    // Assess: an alarm of an account the config does not list is not ours; the member's rolls its canary back
    expect(foreign).toEqual([]);
    expect((results as CanaryTickResult[]).map((r) => [r.account, r.decision])).toEqual([[MEMBER, 'roll-back']]);
    expect(await ruleWeights(memberWorld)).toMatchObject({ 'web-green-tg1': 0, 'web-blue-tg1': 100 });
    expect(await ruleWeights(central)).toMatchObject({ 'web-green-tg1': 5, 'web-blue-tg1': 95 });
  });

  it('ticks the home canary while a member whose role is missing gets one alert', async () => {
    // Prepare
    const yaml = twoAccountCanaryYaml(central, memberWorld, MEMBER);
    await startPlacedCanary(central, central, { yaml, now: new Date(START).toISOString() });
    await startPlacedCanary(central, memberWorld, { yaml, account: MEMBER, now: new Date(START).toISOString() });
    refuseAssumeRole(proxy, MEMBER_ROLE);
    const promoter = await coldContainer(central, 'canary-promoter', yaml, {
      STATE_TABLE_NAME: central.stateTableName,
    });

    // Act
    const first = await pass(promoter, central, healthy);
    const alerts = await receiveOutboxAlerts(central);
    const later = [await pass(promoter, central, healthy), await pass(promoter, central, healthy)];

    // Assess: home scaled its canary first, then gave it its first step
    expect(first.map((r) => [r.account, r.decision])).toEqual([[central.account, 'hold']]);
    expect(later.flat().map((r) => r.decision)).toContain('start');
    expect(await ruleWeights(central)).toMatchObject({ 'web-green-tg1': 5, 'web-blue-tg1': 95 });
    const unreachable = alerts.filter((a) => a.kind === 'access/unreachable');
    expect(unreachable.map((a) => [a.account, a.region, a.title])).toEqual([
      [MEMBER, 'us-east-1', `canary promoter could not act in account ${MEMBER} in us-east-1`],
    ]);
    expect(unreachable[0]?.description).toMatch(/AccessDenied/);
    const memberRecord = await readCanary(canaryStore(central), 'web', { account: MEMBER, region: 'us-east-1' });
    expect(memberRecord?.data.phase).toBe('pending');
  });
});
