import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { registerScalableTarget, scalableBounds, settleAutoScaling } from '#local/canary-autoscaling.js';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import {
  type CanaryWorld,
  canaryClients,
  gateAlarm,
  provisionCanaryWorld,
  settleServices,
} from '#local/canary-world.js';
import { refuseInvalidWeights } from '#local/moto-proxy-rules.js';
import { serverErrorRule } from '#local/moto-proxy-wire.js';
import { receiveOutboxAlerts } from '#local/world.js';
import { type CanaryTickResult, tickCanaries } from '#shared/canary/react.js';
import { readCanary } from '#shared/canary/store.js';
import type { CanaryConfig } from '#shared/config/canary.js';
import { logger } from '#shared/logging/logger.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { canaryContext } from '../../cli/canary-context.js';
import { canaryStatus, formatStatus } from '../../cli/canary-status.js';

const proxy = await useMotoProxy();
const START = '2026-11-26T06:00:00.000Z';

async function desired(world: CanaryWorld, service: string): Promise<number> {
  const out = await canaryClients(world.endpoint).ecs.send(
    new DescribeServicesCommand({ cluster: world.clusterName, services: [service] }),
  );
  return out.services?.[0]?.desiredCount ?? -1;
}

const boundsWrites = (result: CanaryTickResult) =>
  result.audit.filter((a) => a.action.kind === 'set-scalable-target-bounds');

/** A release started with web-blue scaling between 2 and 8 tasks, web-green between 0 and 8; a tick a minute. */
async function releaseUnderAutoScaling() {
  refuseInvalidWeights(proxy);
  const world = await provisionCanaryWorld(proxy.endpoint);
  await registerScalableTarget(world, 'web-blue', { min: 2, max: 8 });
  await registerScalableTarget(world, 'web-green', { min: 0, max: 8 });
  await gateAlarm(world, 'web-5xx', 'OK');
  const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START });
  await driver.start();
  const tick = async () => {
    const share = ((await driver.weights())['web-green-tg1'] ?? 0) / 100;
    const result = await driver.tick({ canary: healthy(share), stable: healthy(1 - share) });
    await settleAutoScaling(world);
    await settleServices(world);
    return result;
  };
  return { world, driver, tick };
}

describe('Function: canary-promoter with Application Auto Scaling on both sides (on moto)', () => {
  it('keeps the old side at 0 tasks by lowering its scalable-target minimum, and restores it when that side is next the canary', async () => {
    // Prepare: web-blue scales between 2 and 8 tasks, web-green between 0 and 8
    const { world, driver, tick } = await releaseUnderAutoScaling();

    // Act: release 1 to done and the old side scaled in, then a few quiet minutes
    let scaleIn: CanaryTickResult | undefined;
    for (let minute = 0; minute < 40 && !scaleIn; minute += 1) {
      const result = await tick();
      if (result.decision === 'scale-down') scaleIn = result;
    }
    for (let minute = 0; minute < 3; minute += 1) await tick();
    const afterRelease1 = {
      blue: await desired(world, 'web-blue'),
      bounds: await scalableBounds(world, 'web-blue'),
      record: (await readCanary(driver.store, 'web'))?.data,
    };
    const ctx = canaryContext({ config: 'unused', endpoint: proxy.endpoint, table: world.stateTableName });
    const status = await canaryStatus(ctx, driver.config.canaries[0] as CanaryConfig, driver.now());
    // release 2 goes the other way: web-blue is the canary
    await driver.start();
    const first = await driver.tick({ canary: healthy(0), stable: healthy(1) });
    const restored = await scalableBounds(world, 'web-blue');
    await settleAutoScaling(world);
    await settleServices(world);
    await driver.tick({ canary: healthy(0), stable: healthy(1) });

    // Assess
    expect(boundsWrites(scaleIn as CanaryTickResult)).toEqual([
      expect.objectContaining({
        outcome: 'applied',
        verification: { mode: 'read-back', ok: true, evidence: 'read back: min 0, max 8' },
      }),
    ]);
    expect(scaleIn?.audit.map((a) => a.action.kind)).toEqual(['set-scalable-target-bounds', 'set-desired-count']);
    expect(afterRelease1).toMatchObject({
      blue: 0,
      bounds: { min: 0, max: 8 },
      record: { phase: 'done', idleScaledDown: true, scalableBounds: { 'web-blue': { min: 2, max: 8 } } },
    });
    expect(status.stable).toMatchObject({
      service: 'web-blue',
      scalableTarget: { min: 0, max: 8 },
      scalableBoundsToRestore: { min: 2, max: 8 },
    });
    expect(formatStatus(status)).toContain(
      'stable web-blue (web-blue:1): weight 0, 0 healthy of 0 desired; scalable target 0-8 (min 2 back when it next takes traffic)',
    );
    expect(first.audit.map((a) => a.action.kind)).toEqual([
      'set-scalable-target-bounds',
      'set-task-definition',
      'set-desired-count',
    ]);
    expect(boundsWrites(first)[0]).toMatchObject({
      outcome: 'applied',
      verification: { ok: true, evidence: 'read back: min 2, max 8' },
    });
    expect(restored).toEqual({ min: 2, max: 8 });
    const record = (await readCanary(driver.store, 'web'))?.data;
    expect(record).toMatchObject({ release: 2, phase: 'ramping', canary: { service: 'web-blue' } });
    expect(record?.scalableBounds).toBeUndefined();
    expect(await driver.weights()).toMatchObject({ 'web-blue-tg1': 5, 'web-green-tg1': 95 });
  });

  it('finishes a scale-in whose write failed on the next tick, and records the old side scaled in only then', async () => {
    // Prepare: a release done, its old side due to scale in at the next tick, whose scale-in write ECS refuses
    const { world, driver, tick } = await releaseUnderAutoScaling();
    for (let minute = 0; minute < 40; minute += 1) {
      const wait = /web-blue scales in (\d+) s after its weight 0/.exec((await tick()).reason);
      if (wait && Number(wait[1]) <= 60) break;
    }
    const refuse = proxy.addRule(serverErrorRule('ecs:UpdateService', 10, 500));

    // Act
    const failed = await tick();
    refuse();
    const afterFailure = {
      blue: await desired(world, 'web-blue'),
      record: (await readCanary(driver.store, 'web'))?.data,
    };
    const finished = await tick();
    const quiet = await tick();

    // Assess: the failed tick lowered the minimum and claimed the scale-in, not its end
    expect(failed.decision).toBe('scale-down');
    expect(failed.audit.map((a) => [a.action.kind, a.outcome])).toEqual([
      ['set-scalable-target-bounds', 'applied'],
      ['set-desired-count', 'failed'],
    ]);
    expect(afterFailure.blue).toBe(4);
    expect(afterFailure.record?.idleScaledDown).toBeUndefined();
    expect(afterFailure.record?.scaleDown?.reason).toBe(failed.reason);
    // the next tick scales it in, as the same scale-in, and records it
    expect(finished).toMatchObject({ decision: 'scale-down', reason: failed.reason });
    expect(finished.audit.map((a) => [a.action.kind, a.outcome])).toEqual([['set-desired-count', 'applied']]);
    expect(finished.alert?.dedupKey).toBe(failed.alert?.dedupKey);
    expect(await desired(world, 'web-blue')).toBe(0);
    expect((await readCanary(driver.store, 'web'))?.data).toMatchObject({
      phase: 'done',
      idleScaledDown: true,
      scalableBounds: { 'web-blue': { min: 2, max: 8 } },
    });
    expect(quiet.decision).toBe('idle');
  });

  it('queues on its retry the alert of the tick that scaled the old side in, when that tick failed after its writes', async () => {
    // Prepare: a release done, its old side due to scale in at the next tick, whose alert cannot be queued
    const { world, driver, tick } = await releaseUnderAutoScaling();
    for (let minute = 0; minute < 40; minute += 1) {
      const wait = /web-blue scales in (\d+) s after its weight 0/.exec((await tick()).reason);
      if (wait && Number(wait[1]) <= 60) break;
    }
    const sqs = new SQSClient({
      endpoint: proxy.endpoint,
      region: world.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const deps = {
      config: driver.config,
      clients: { ...canaryClients(proxy.endpoint), sqs },
      store: driver.store,
      logger,
      region: world.region,
      outboxUrl: world.outboxQueueUrl as string,
    };
    proxy.failWith5xx('sqs:SendMessage', 1);

    // Act: the scheduled event, then Lambda's retry of it
    const failed = await tickCanaries(deps, driver.now()).catch((error: unknown) => error);
    const recordAfterFailure = (await readCanary(driver.store, 'web'))?.data;
    const [retry] = await tickCanaries(deps, driver.now());

    // Assess: the scale-in landed and was recorded; only its alert was missing, and the retry queues it
    expect(failed).toBeInstanceOf(Error);
    expect(recordAfterFailure).toMatchObject({ phase: 'done', idleScaledDown: true });
    expect(await desired(world, 'web-blue')).toBe(0);
    expect(retry?.decision).toBe('idle');
    expect((await receiveOutboxAlerts(world)).map((a) => a.title)).toEqual([
      expect.stringMatching(/^canary web: web-blue has had weight 0 for \d+ s: scale it in to 0 tasks$/),
    ]);
    expect(retry?.alert?.dedupKey).toBeDefined();
  });
});
