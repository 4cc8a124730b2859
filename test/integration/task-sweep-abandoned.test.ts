import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { type AwsCall, serverError } from '#local/moto-proxy.js';
import { dieAfter } from '#local/moto-proxy-rules.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, receiveOutboxAlerts, type World } from '#local/world.js';
import { SWEEPER_LIFETIME_SECONDS } from '#shared/tasks/storm-sweep.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { stopInEcs } from '#test/support/stopped-in-ecs.js';
import { queuedBatch } from '../../cli/replay.js';

const proxy = await useMotoProxy();

const CONFIG = prodClusterConfig('web');

/** The write in which a storm's sweep claims its stops' reports (alone, or in the transaction that frees a lease). */
const sweepClaimsReports = (call: AwsCall) => {
  if (call.operation !== 'UpdateItem' && call.operation !== 'TransactWriteItems') return false;
  const body = call.body.toString();
  return body.includes('stop-reports') && body.includes(' sweep/');
};

/** The ids (first 8 characters) of the stops each distinct stop alert of the outbox names. */
async function stopsPerAlert(world: World): Promise<string[][]> {
  const queued = await receiveOutboxAlerts(world);
  // The outbox and the notifier de-duplicate on the delivery key: one alert queued twice is delivered once.
  const distinct = new Map(queued.filter((a) => a.kind !== 'task-stopped/crash-loop').map((a) => [a.dedupKey, a]));
  return [...distinct.values()].map((alert) =>
    [...alert.description.matchAll(/`([0-9a-f]{8})/g)].map((id) => id[1] as string).sort(),
  );
}

/** The target groups' leases still in the state table: none once a batch is over, whatever it did. */
async function leasesHeld(world: World): Promise<string[]> {
  const dynamodb = new DynamoDBClient({ endpoint: proxy.endpoint, region: world.region });
  const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: world.stateTableName }));
  return Items.flatMap((item) => (item.sk?.S === 'lease/membership' ? [item.pk?.S ?? ''] : []));
}

describe('Function: task-state-change, a storm sweep abandoned between claiming its stops’ reports and publishing them', () => {
  let world: World;
  let stopped: World['services'][string]['tasks'];
  const id = (index: number) => world.services.web?.tasks[index]?.taskArn.split('/').pop()?.slice(0, 8) as string;

  beforeEach(async () => {
    // Prepare: three of web's five tasks stop in ECS, so a batch of two of their events sweeps the third.
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 5 }] });
    stopped = world.services.web?.tasks.slice(0, 3) ?? [];
    await stopInEcs(proxy, world, stopped);
  });

  /** The sweeping batch (two stops, so it claims the storm's sweep), or its messages delivered again. */
  function sweeping(): SQSEvent {
    return queuedBatch(
      stopped.slice(0, 2).map((t) => taskStateChangeEvent(world, t)),
      world.region,
      world.account,
    );
  }
  function again(first: SQSEvent, only?: number): SQSEvent {
    const records = first.Records.filter((_, i) => only === undefined || i === only);
    return {
      Records: records.map((r) => ({ ...r, attributes: { ...r.attributes, ApproximateReceiveCount: '2' } })),
    };
  }

  /** A container of the function whose clock reads `seconds` after now: the queue gives a message back that late. */
  async function containerAfter(seconds: number) {
    const container = await coldContainer(world, 'task-state-change', CONFIG);
    const { setCurrentTime } = await import('#shared/lambda/clock.js');
    setCurrentTime(new Date(Date.now() + seconds * 1000));
    return container;
  }

  /** The first delivery: its sweeper dies once its claims of the stops' reports landed. */
  async function sweeperDies(first: SQSEvent) {
    const sweeper = await coldContainer(world, 'task-state-change', CONFIG);
    const revive = dieAfter(proxy, sweepClaimsReports);
    const died = await sweeper.react(first).catch((error: Error) => error);
    revive();
    return died;
  }

  it('reports every stop of the sweep once, through the redelivery that takes it over', async () => {
    // Prepare
    const first = sweeping();
    const died = await sweeperDies(first);
    const retry = await containerAfter(SWEEPER_LIFETIME_SECONDS + 120);

    // Act
    const retried = await retry.react(again(first));

    // Assess: the first delivery left no alert and returned its messages; the retry reports the swept stop too
    expect(died).not.toBeInstanceOf(Error);
    expect((died as { batchItemFailures: unknown[] }).batchItemFailures).toHaveLength(2);
    expect(retried.batchItemFailures).toEqual([]);
    const running = world.services.web?.tasks.slice(3).map((t) => `${t.ip}:8080`);
    expect(Object.values(await membership(world, ['web'])).map((m) => [...m].sort())).toEqual([running?.sort()]);
    expect(await stopsPerAlert(world)).toEqual([[id(0), id(1), id(2)].sort()]);
    expect(await leasesHeld(world)).toEqual([]);
  });

  it('has one of two redeliveries at once take the sweep over, and counts each stop once', async () => {
    // Prepare
    const first = sweeping();
    await sweeperDies(first);
    const one = await containerAfter(SWEEPER_LIFETIME_SECONDS + 120);
    const other = await containerAfter(SWEEPER_LIFETIME_SECONDS + 120);

    // Act
    const results = await Promise.all([one.react(again(first, 0)), other.react(again(first, 1))]);

    // Assess
    expect(results.map((r) => r.batchItemFailures)).toEqual([[], []]);
    expect((await stopsPerAlert(world)).flat().sort()).toEqual([id(0), id(1), id(2)].sort());
  });

  it('does not take over a sweep whose sweeper may still be at work', async () => {
    // Prepare
    const first = sweeping();
    await sweeperDies(first);
    const retry = await containerAfter(SWEEPER_LIFETIME_SECONDS - 20);

    // Act
    const retried = await retry.react(again(first));

    // Assess: the claims are the sweep's still; nobody reports its stops
    expect(retried.batchItemFailures).toEqual([]);
    expect(await stopsPerAlert(world)).toEqual([]);
  });

  it('does not count again the stops of a sweep whose alert was queued though its result could not be published', async () => {
    // Prepare: the sweep's result is refused, its alert queued; the queue hands the batch out again later
    const publishesResult = (call: AwsCall) =>
      call.operation === 'UpdateItem' && call.body.toString().includes('storm-sweep/');
    const refuse = proxy.addRule({ match: publishesResult, respond: (call) => serverError(call) });
    const first = sweeping();
    const sweeper = await coldContainer(world, 'task-state-change', CONFIG);
    const handled = await sweeper.react(first);
    refuse();
    // One more task stops before the redelivery: its sweep would report it with the first three again.
    await stopInEcs(proxy, world, world.services.web?.tasks.slice(3, 4) ?? [], new Date(Date.now() + 100_000));
    const retry = await containerAfter(SWEEPER_LIFETIME_SECONDS + 120);

    // Act
    const retried = await retry.react(again(first));

    // Assess
    expect(handled.batchItemFailures).toEqual([]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(await stopsPerAlert(world)).toEqual([[id(0), id(1), id(2)].sort(), [id(3)]]);
  });
});
