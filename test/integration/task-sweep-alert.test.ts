import { beforeEach, describe, expect, it } from 'vitest';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, receiveOutboxAlerts, type World } from '#local/world.js';
import { SWEEP_SLOT_SECONDS } from '#shared/tasks/storm-sweep.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { stopInEcs } from '#test/support/stopped-in-ecs.js';
import { queuedBatch } from '../../cli/replay.js';

const proxy = await useMotoProxy();

const CONFIG = prodClusterConfig('web');

/**
 * The ids (first 8 characters) of the stops each queued stop alert names. A crash-loop alert is not one: the storm's
 * three failed stops of web may raise one, depending on which batch counts the third, and it is checked apart.
 */
async function stopsPerAlert(world: World): Promise<string[][]> {
  const queued = await receiveOutboxAlerts(world);
  expect(
    queued.filter((a) => a.kind === 'task-stopped/crash-loop').length,
    'at most one crash-loop alert',
  ).toBeLessThan(2);
  return queued
    .filter((alert) => alert.kind !== 'task-stopped/crash-loop')
    .map((alert) => [...alert.description.matchAll(/`([0-9a-f]{8})/g)].map((id) => id[1] as string).sort());
}

describe('Function: task-state-change, a storm sweep whose alert cannot be queued', () => {
  let world: World;
  let stopped: World['services'][string]['tasks'];
  const id = (index: number) => stopped[index]?.taskArn.split('/').pop()?.slice(0, 8) as string;

  beforeEach(async () => {
    // Prepare: three of web's four tasks stop in ECS, so a batch of two of their events sweeps the third.
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 4 }] });
    stopped = world.services.web?.tasks.slice(0, 3) ?? [];
    await stopInEcs(proxy, world, stopped);
  });

  /** The sweeping batch, delivered the n-th time: two stops, so it claims the storm's sweep. */
  function sweeping(attempt: number, first: ReturnType<typeof queuedBatch> = queuedBatch([], world.region)) {
    const events = stopped.slice(0, 2).map((t) => taskStateChangeEvent(world, t));
    const batch = queuedBatch(events, world.region, world.account);
    batch.Records.forEach((record, i) => {
      record.messageId = first.Records[i]?.messageId ?? record.messageId;
      record.attributes.ApproximateReceiveCount = String(attempt);
      record.attributes.ApproximateFirstReceiveTimestamp =
        first.Records[i]?.attributes.ApproximateFirstReceiveTimestamp ??
        record.attributes.ApproximateFirstReceiveTimestamp;
    });
    return batch;
  }

  it('queues the swept stops’ alert on the redelivery of the sweeping batch, counting each stop once', async () => {
    // Prepare
    const container = await coldContainer(world, 'task-state-change', CONFIG);
    proxy.failWith5xx('sqs:SendMessage', 2);
    const first = sweeping(1);

    // Act
    const failed = await container.react(first);
    const retried = await container.react(sweeping(2, first));

    // Assess
    expect(failed.batchItemFailures).toHaveLength(2);
    expect(retried.batchItemFailures).toEqual([]);
    expect(Object.values(await membership(world, ['web']))).toEqual([[`${world.services.web?.tasks[3]?.ip}:8080`]]);
    expect(await stopsPerAlert(world)).toEqual([[id(0), id(1), id(2)].sort()]);
  });

  it('has the batch of a swept stop queue the alert its sweeper could not', async () => {
    // Prepare
    const sweeper = await coldContainer(world, 'task-state-change', CONFIG);
    const waiter = await coldContainer(world, 'task-state-change', CONFIG);
    proxy.failWith5xx('sqs:SendMessage', 2);
    const first = sweeping(1);

    // Act
    const failed = await sweeper.react(first);
    const swept = await waiter.react(taskStateChangeEvent(world, stopped[2] as (typeof stopped)[number]));
    const retried = await sweeper.react(sweeping(2, first));

    // Assess
    expect(failed.batchItemFailures).toHaveLength(2);
    expect(swept.batchItemFailures).toEqual([]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(await stopsPerAlert(world)).toEqual([[id(0), id(1), id(2)].sort()]);
  });

  it('queues the first delivery’s alert when the redelivery comes in a later sweep slot, counting each stop once', async () => {
    // Prepare
    const container = await coldContainer(world, 'task-state-change', CONFIG);
    proxy.failWith5xx('sqs:SendMessage', 2);
    const first = sweeping(1);
    const failed = await container.react(first);
    // The redelivery comes after the visibility timeout, two sweep slots on: its own storm sweep is another one.
    const { setCurrentTime } = await import('#shared/lambda/clock.js');
    setCurrentTime(new Date(Date.now() + 2 * SWEEP_SLOT_SECONDS * 1000 + 1_000));

    // Act
    const retried = await container.react(sweeping(2, first));

    // Assess
    expect(failed.batchItemFailures).toHaveLength(2);
    expect(retried.batchItemFailures).toEqual([]);
    expect(await stopsPerAlert(world)).toEqual([[id(0), id(1), id(2)].sort()]);
  });
});
