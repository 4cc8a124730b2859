import { beforeEach, describe, expect, it } from 'vitest';
import { loseAnswersAfterWrite } from '#local/moto-proxy-rules.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, receiveOutboxAlerts, type World } from '#local/world.js';
import type { Alert } from '#shared/notify/alert.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';
import { queuedBatch } from '../../cli/replay.js';

const proxy = await useMotoProxy();

const CONFIG = prodClusterConfig('web', 'api');

describe('Function: task-state-change, a stop whose alert was lost and whose retry comes in another batch', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 2 },
        { name: 'api', tasks: 5 },
      ],
    });
  });

  const idOf = (event: { detail: { taskArn: string } }) => event.detail.taskArn.split('/').pop() ?? '';
  const stopOf = (index: number) => taskStateChangeEvent(world, worldTask(world, 'api', index), { service: 'api' });

  /** The events as the queue delivers them together: each message keeps its id on every delivery. */
  function batch(deliveries: ReadonlyArray<{ event: unknown; attempt: number }>) {
    const queued = queuedBatch(
      deliveries.map((d) => d.event),
      world.region,
      world.account,
    );
    queued.Records.forEach((record, i) => {
      const delivery = deliveries[i] as { event: { id: string }; attempt: number };
      record.messageId = `message-of-${delivery.event.id}`;
      record.attributes.ApproximateReceiveCount = String(delivery.attempt);
    });
    return queued;
  }

  /** The stop alerts the outbox holds, each once (the FIFO queue drops a repeat of a de-duplication id). */
  async function stopAlerts(): Promise<Alert[]> {
    return (await receiveOutboxAlerts(world)).filter((a) => a.incidentId.startsWith('ecs-task-stops/'));
  }

  it('counts a stop once when the lone stop’s alert landed unanswered and its retry comes with other stops', async () => {
    // Prepare: x alone in a batch, whose alert lands in the outbox while every answer to it is lost
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const [x, y, z] = [stopOf(0), stopOf(1), stopOf(2)];
    const removeRule = loseAnswersAfterWrite(proxy, 'sqs:SendMessage', 2);
    const first = await react(batch([{ event: x, attempt: 1 }]));
    removeRule();

    // Act: the queue hands x back with two new stops
    const withOthers = await react(
      batch([
        { event: x, attempt: 2 },
        { event: y, attempt: 1 },
        { event: z, attempt: 1 },
      ]),
    );

    // Assess: x in the first alert (queued again, dropped as a repeat), y and z in the retry's
    expect(first.batchItemFailures).toHaveLength(1);
    expect(withOthers.batchItemFailures).toEqual([]);
    const alerts = await stopAlerts();
    expect(alerts.map((a) => [a.title, a.occurrences?.count])).toEqual([
      [expect.stringMatching(/^prod\/api: task \w+ stopped/), 1],
      ['prod/api: 2 tasks stopped (2 essential container exited)', 2],
    ]);
    expect(alerts[0]?.title).toContain(idOf(x).slice(0, 8));
  });

  it('queues the kept alert on the retry when the first could not be queued at all, and counts its stop in it', async () => {
    // Prepare: x alone, its alert refused on every attempt
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const [x, y] = [stopOf(0), stopOf(1)];
    proxy.failWith5xx('sqs:SendMessage', 2);
    const first = await react(batch([{ event: x, attempt: 1 }]));

    // Act
    const retry = await react(
      batch([
        { event: y, attempt: 1 },
        { event: x, attempt: 2 },
      ]),
    );

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(retry.batchItemFailures).toEqual([]);
    const alerts = await stopAlerts();
    expect(alerts.map((a) => a.occurrences?.count)).toEqual([1, 1]);
    expect(alerts.map((a) => a.title)).toEqual([
      expect.stringContaining(idOf(x).slice(0, 8)),
      expect.stringContaining(idOf(y).slice(0, 8)),
    ]);
  });

  it('alerts a storm’s stops when their sweep’s alert could not be queued and their retry cannot read the sweep', async () => {
    // Prepare: x and y in one batch, swept together, whose alert is refused on every attempt
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const [x, y] = [stopOf(0), stopOf(1)];
    proxy.failWith5xx('sqs:SendMessage', 2);
    const first = await react(
      batch([
        { event: x, attempt: 1 },
        { event: y, attempt: 1 },
      ]),
    );
    // the retry's claim of a new sweep and its read of the first one both fail, on every attempt
    proxy.failWith5xx('dynamodb:TransactWriteItems', 2);
    proxy.failWith5xx('dynamodb:BatchGetItem', 2);

    // Act
    const retry = await react(
      batch([
        { event: x, attempt: 2 },
        { event: y, attempt: 2 },
      ]),
    );

    // Assess
    expect(first.batchItemFailures).toHaveLength(2);
    expect(retry.batchItemFailures).toEqual([]);
    expect((await stopAlerts()).map((a) => [a.title, a.occurrences?.count])).toEqual([
      ['prod/api: 2 tasks stopped (2 essential container exited)', 2],
    ]);
  });
  it('counts a stop once when a second delivery of its event cannot claim its report: returned, not counted again', async () => {
    // Prepare: ECS's first event of x's stop, reported with y's by their storm's sweep; EventBridge's second delivery
    // of it, as another message to another container, whose report claim lands with both answers lost
    const x = taskStateChangeEvent(world, worldTask(world, 'api', 0), {
      service: 'api',
      lastStatus: 'RUNNING',
      desiredStatus: 'STOPPED',
    });
    const y = stopOf(1);
    await (await coldContainer(world, 'task-state-change', CONFIG)).react(
      batch([
        { event: x, attempt: 1 },
        { event: y, attempt: 1 },
      ]),
    );
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const secondDelivery = (attempt: number) => {
      const queued = batch([{ event: x, attempt }]);
      for (const record of queued.Records) record.messageId = `second-delivery-of-${x.id}`;
      return queued;
    };
    const removeRule = loseAnswersAfterWrite(
      proxy,
      (call) => call.operation === 'UpdateItem' && call.body.toString().includes('stop-reports'),
      2,
    );
    // Nor can it read the storm's sweep that covered x: the state table is failing.
    proxy.failWith5xx('dynamodb:BatchGetItem', 2);

    // Act
    const unclaimed = await react(secondDelivery(1));
    removeRule();
    const retried = await react(secondDelivery(2));

    // Assess: returned once, then found x counted by the first delivery's alert: not in a second one
    expect(unclaimed.batchItemFailures).toEqual([{ itemIdentifier: `second-delivery-of-${x.id}` }]);
    expect(retried.batchItemFailures).toEqual([]);
    expect((await stopAlerts()).map((a) => [a.title, a.occurrences?.count])).toEqual([
      [expect.stringMatching(/^prod\/api: 2 tasks stopped/), 2],
    ]);
  });
});
