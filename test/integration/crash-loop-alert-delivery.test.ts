import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsCall } from '#local/moto-proxy.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, receiveOutboxAlerts, type World } from '#local/world.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { alertsLostWhile } from '#test/support/lost-alerts.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';
import { queuedBatch } from '../../cli/replay.js';

const proxy = await useMotoProxy();
const CONFIG = prodClusterConfig('web');

describe('Function: task-state-change, a crash-loop alert that cannot be queued', () => {
  let world: World;

  beforeEach(async () => {
    // Desired 3: three failed stops within the window are a crash loop
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3 }] });
  });

  /** The stop of web's task `index` as the queue delivers it the n-th time: the same message id every time. */
  function delivery(index: number, attempt: number) {
    const event = taskStateChangeEvent(world, worldTask(world, 'web', index));
    const batch = queuedBatch([event], world.region, world.account);
    for (const record of batch.Records) {
      record.messageId = `message-of-stop-${index}`;
      record.attributes.ApproximateReceiveCount = String(attempt);
    }
    return batch;
  }

  const kinds = async () => (await receiveOutboxAlerts(world)).map((a) => a.kind);

  it('returns the stop that raised it, and its redelivery queues the alert, once', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    for (const index of [0, 1]) await react(delivery(index, 1));
    proxy.failWith5xx('sqs:SendMessage', 2);

    // Act: the third stop raises the crash loop, whose alert cannot be queued; then its redeliveries
    const first = await react(delivery(2, 1));
    const retry = await react(delivery(2, 2));
    const late = await react(delivery(2, 3));

    // Assess
    expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['message-of-stop-2']);
    expect(first.reaction.failures[0]?.why).toMatch(/^the alert could not be queued: /);
    expect(retry.batchItemFailures).toEqual([]);
    expect(late.batchItemFailures).toEqual([]);
    // One alert per stop and one crash-loop alert, read at the end (a FIFO group is blocked while one is in flight)
    expect((await kinds()).sort()).toEqual([
      'task-stopped/crash-loop',
      'task-stopped/essential-container-exited',
      'task-stopped/essential-container-exited',
      'task-stopped/essential-container-exited',
    ]);
  });

  it('keeps the alert waiting when it cannot be taken off after it was queued: sent again, the outbox drops the repeat', async () => {
    // Prepare: the third stop's alert cannot be queued, then the removal of the waiting alert fails on the retry
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    for (const index of [0, 1]) await react(delivery(index, 1));
    proxy.failWith5xx('sqs:SendMessage', 2);
    await react(delivery(2, 1));
    const removal = (call: AwsCall) => call.operation === 'UpdateItem' && call.body.toString('utf8').includes('DELETE');
    proxy.failWith5xx(removal, 2);

    // Act
    const retry = await react(delivery(2, 2));
    const later = await react(delivery(2, 3));

    // Assess: the retry's alert was queued, so its stop is not returned; the next count sends it again
    expect(retry.batchItemFailures).toEqual([]);
    expect(later.batchItemFailures).toEqual([]);
    expect((await kinds()).filter((k) => k === 'task-stopped/crash-loop')).toHaveLength(1);
  });

  it('counts the alert as lost, for the operators’ alarm, when it can be neither queued nor kept on the counter', async () => {
    // Prepare: the third stop raises the crash loop; SQS refuses its alert and the counter refuses to keep it
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    for (const index of [0, 1]) await react(delivery(index, 1));
    proxy.failWith5xx('sqs:SendMessage', 2);
    const keeping = (call: AwsCall) =>
      call.operation === 'UpdateItem' && call.body.toString('utf8').includes('pending-alerts');
    proxy.failWith5xx(keeping, 2);

    // Act
    const { settled, lost } = await alertsLostWhile(() => react(delivery(2, 1)));

    // Assess: the stop is returned (its own alert was not queued either), the crash loop counted as lost
    expect(settled).not.toBeInstanceOf(Error);
    expect(lost).toEqual([1]);
  });
});
