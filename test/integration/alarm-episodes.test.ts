import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { serverError } from '#local/moto-proxy.js';
import { loseAnswersAfterWrite } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { deliverOutbox } from '#local/pipeline.js';
import { provisionWorld, receiveAlerts, receiveOutbox, targetsOf, type World } from '#local/world.js';
import type { AlarmReaction } from '#shared/alarms/react.js';
import { alarmConfig, CPU_HIGH, UNHEALTHY_HOSTS } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = alarmConfig([UNHEALTHY_HOSTS, CPU_HIGH]);

describe('Function: alarm-state-change, one alarm episode', () => {
  let world: World;
  let tg: string;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 4 }] });
    tg = world.services.web?.targetGroupArns[0] as string;
  });

  const webTask = (i: number) => world.services.web?.tasks[i] as { ip: string; port: number };
  const unhealthy = (i: number) => proxy.setTargetHealth(tg, { id: webTask(i).ip, port: webTask(i).port }, 'unhealthy');
  const desiredCount = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]?.desiredCount;
  const cpuHigh = (at: string) =>
    alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' }, at });
  /** The reaction of an invocation that failed because an action failed, as Lambda would retry it. */
  const failedReaction = async (invocation: Promise<AlarmReaction>): Promise<AlarmReaction> => {
    const error = await invocation.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error, 'the invocation fails, so that Lambda retries it').toMatchObject({ name: 'ActionsFailedError' });
    return (error as { reaction: AlarmReaction }).reaction;
  };

  /**
   * The next read of an alarm episode's record whose key holds `part` comes back empty, as if made just before another
   * delivery recorded it: the race of two deliveries made deterministic.
   */
  const readEpisodeEmptyOnce = (part: string) =>
    proxy.addRule({
      name: 'the episode read before the first delivery recorded it',
      times: 1,
      match: (call) => {
        const body = call.body.toString('utf8');
        return call.operation === 'GetItem' && body.includes('episode#') && body.includes(part);
      },
      respond: () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' }),
    });

  it('scales once when UpdateService lands but its answer is lost, and the alarm is delivered again', async () => {
    // Prepare: every attempt of UpdateService lands in moto and answers 500
    const at = new Date().toISOString();
    loseAnswersAfterWrite(proxy, 'ecs:UpdateService', 8);
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    const lost = await first.react(cpuHigh(at));

    // Act: the same ALARM again, as EventBridge's duplicate, on another container
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const again = await second.react(cpuHigh(at));

    // Assess: the lost answer read back, so applied and not retried; 4 → 6 once, not 4 → 6 → 8
    expect(lost.audit.map((r) => [r.action.kind, r.outcome])).toEqual([['set-desired-count', 'applied']]);
    expect(lost.audit[0]?.verification?.evidence).toBe(
      'its answer was lost (InternalFailure), read back: desired count 6',
    );
    expect(await desiredCount()).toBe(6);
    expect(again.audit).toEqual([]);
    expect(again.plan?.notes[0]).toMatch(/this alarm episode scaled web out from 4 to 6 tasks .*not changed twice/);
  });

  it('applies the recorded step on a retry when the first attempt never reached UpdateService', async () => {
    // Prepare: the first attempt recorded 4 → 6, then UpdateService was refused every time
    const at = new Date().toISOString();
    proxy.failWith5xx('ecs:UpdateService', 8);
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    await failedReaction(first.react(cpuHigh(at)));
    proxy.reset();

    // Act
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const retried = await second.react(cpuHigh(at));

    // Assess
    expect(await desiredCount()).toBe(6);
    expect(retried.audit.map((r) => [r.action.kind, r.outcome])).toEqual([['set-desired-count', 'applied']]);
  });

  it('keeps to the step the episode recorded when a delivery read the episode before the first recorded it', async () => {
    // Prepare: the first delivery scales 4 → 6 and records the step; the second delivery's read of the episode comes
    // back empty, as if it had read just before, so on its own it would plan 6 → 8.
    const at = new Date().toISOString();
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    await first.react(cpuHigh(at));
    readEpisodeEmptyOnce('scale-out');

    // Act
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const late = await second.react(cpuHigh(at));

    // Assess
    expect(await desiredCount()).toBe(6);
    expect(late.audit).toEqual([]);
  });

  it('holds the cooldown for the next alarm even when no write after UpdateService succeeds', async () => {
    // Prepare: tags cannot be written at all; the first episode scales 4 → 6
    proxy.failWith5xx('ecs:TagResource', 100);
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    await first.react(cpuHigh(new Date(Date.now() - 60_000).toISOString()));

    // Act: a new episode of the alarm, inside the cooldown
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const next = await second.react(cpuHigh(new Date().toISOString()));

    // Assess
    expect(await desiredCount()).toBe(6);
    expect(next.audit[0]).toMatchObject({ outcome: 'blocked', guard: { rule: 'cooldown' } });
  });

  it.each([
    { how: 'however often the ALARM is delivered', early: false },
    { how: 'even by a delivery that read the episode before the first recorded it', early: true },
  ])('removes at most maxTargetsPerRun targets per episode, $how', async ({ early }) => {
    // Prepare: the first delivery takes the one unhealthy target out
    const event = alarmStateChangeEvent(world, {
      alarmName: 'prod-web-unhealthy-hosts',
      subject: { targetGroupArn: tg },
    });
    unhealthy(0);
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    await first.react(event);
    unhealthy(1);
    if (early) readEpisodeEmptyOnce(`deregister#${tg}`);

    // Act: the same ALARM delivered again, after a second target turned unhealthy
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const duplicate = await second.react(event);

    // Assess
    const left = (await targetsOf(world, tg)).map((t) => t.id).sort();
    expect(left).toEqual([webTask(1).ip, webTask(2).ip, webTask(3).ip].sort());
    expect(duplicate.audit).toEqual([]);
    expect(duplicate.plan?.notes.join('\n')).toMatch(/this alarm episode already took its 1 target\(s\)/);
  });

  it('fails the invocation when DeregisterTargets fails through its retries; the retry removes that target once, alerted once', async () => {
    // Prepare: two unhealthy targets, one per episode; ELB answers 500 to every attempt of the first invocation
    unhealthy(0);
    unhealthy(1);
    const event = alarmStateChangeEvent(world, {
      alarmName: 'prod-web-unhealthy-hosts',
      subject: { targetGroupArn: tg },
    });
    const refuseDeregistrations = proxy.addRule({
      name: 'DeregisterTargets 500',
      match: (call) => call.service === 'elasticloadbalancing' && call.operation === 'DeregisterTargets',
      respond: (call) => serverError(call, 500),
    });
    const first = await coldContainer(world, 'alarm-state-change', CONFIG);
    const failed = await failedReaction(first.react(structuredClone(event)));
    await deliverOutbox(world, first.notifier);

    // Act: the fault clears; Lambda's retry of the same event lands on another container
    refuseDeregistrations();
    const second = await coldContainer(world, 'alarm-state-change', CONFIG);
    const retried = await second.react(structuredClone(event));
    await deliverOutbox(world, second.notifier);

    // Assess
    const outcomes = (reaction: AlarmReaction) => reaction.audit.map((r) => [r.action.kind, r.outcome]);
    expect(outcomes(failed)).toEqual([['deregister-targets', 'failed']]);
    expect(outcomes(retried)).toEqual([['deregister-targets', 'applied']]);
    const taken = (reaction: AlarmReaction) => reaction.audit[0]?.action;
    expect(taken(retried)).toMatchObject({ targets: (taken(failed) as { targets: unknown[] }).targets });
    expect((await targetsOf(world, tg)).length, 'one target per episode, not one per attempt').toBe(3);
    expect(await receiveAlerts(world), 'one alert for the episode, not one per attempt').toHaveLength(1);
  });

  it('does not act on an alarm of another account or region, nor on one dated in the future', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const foreign = { ...cpuHigh(new Date().toISOString()), account: '999988887777' };
    const elsewhere = { ...cpuHigh(new Date().toISOString()), region: 'eu-west-1' };
    const future = cpuHigh(new Date(Date.now() + 3_600_000).toISOString());

    // Act
    const reactions = [await react(foreign), await react(elsewhere), await react(future)];

    // Assess
    expect(reactions.map((r) => r.ignored)).toEqual([
      expect.stringMatching(/account 999988887777 is not ours/),
      expect.stringMatching(/region eu-west-1 is not ours/),
      expect.stringMatching(/^future-dated: the alarm state is dated 3[56]\d\d s in the future/),
    ]);
    expect(await desiredCount()).toBe(4);
    expect(await receiveOutbox(world)).toEqual([]);
  });
});
