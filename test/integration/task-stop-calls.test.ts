import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, type World } from '#local/world.js';
import { clients } from '#local/world-clients.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';

const proxy = await useMotoProxy();

const CONFIG = prodClusterConfig('web', 'api');

/** The target groups whose membership lease is still in the state table. */
async function leasesLeft(world: World): Promise<string[]> {
  const groups = Object.values(world.services).flatMap((s) => s.targetGroupArns);
  const left: string[] = [];
  for (const arn of groups) {
    const key = { pk: { S: `target-group/${arn}` }, sk: { S: 'lease/membership' } };
    const out = await clients(world.endpoint).dynamodb.send(
      new GetItemCommand({ TableName: world.stateTableName, Key: key, ConsistentRead: true }),
    );
    if (out.Item) left.push(arn);
  }
  return left;
}

/** Calls by operation, split into the state table's and the rest (ECS, ELB, SQS: what the floor is made of). */
function split(calls: Record<string, number>) {
  const of = (state: boolean) =>
    Object.fromEntries(Object.entries(calls).filter(([op]) => op.startsWith('DynamoDB.') === state));
  return { aws: of(false), state: of(true) };
}

describe('Function: task-state-change, AWS calls per stopped task (warm, through the handler)', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 4, targetGroups: 2 },
        { name: 'api', tasks: 4 },
      ],
    });
  });

  const task = (service: string, index: number) => worldTask(world, service, index);

  it('costs one read of the running tasks, two health reads and one write per target group, and one alert, for a stopped task still registered', async () => {
    // Prepare: a warm container, which has described both services already
    const { react, awsCalls } = await coldContainer(world, 'task-state-change', CONFIG);
    await react(taskStateChangeEvent(world, task('api', 0)));
    await react(taskStateChangeEvent(world, task('web', 0)));

    // Act
    awsCalls.reset();
    await react(taskStateChangeEvent(world, task('api', 1)));
    const oneGroup = split(awsCalls.snapshot());
    awsCalls.reset();
    await react(taskStateChangeEvent(world, task('web', 1)));
    const twoGroups = split(awsCalls.snapshot());

    // Assess
    // The floor is one DeregisterTargets per group and one SendMessage. Above it: each group's health of the stopped
    // task's targets (ECS has most often removed them by now, and then nothing else is needed), the running tasks
    // (ListTasks, DescribeTasks: an address of the stopped task may already be a running task's) and each group's
    // health of the targets concerned (never empty), read again under the group's lease.
    expect(oneGroup.aws).toEqual({
      'ECS.ListTasks': 1,
      'ECS.DescribeTasks': 1,
      'ELBv2.DescribeTargetHealth': 2,
      'ELBv2.DeregisterTargets': 1,
      'SQS.SendMessage': 1,
    });
    expect(twoGroups.aws).toEqual({
      'ECS.ListTasks': 1,
      'ECS.DescribeTasks': 1,
      'ELBv2.DescribeTargetHealth': 4,
      'ELBv2.DeregisterTargets': 2,
      'SQS.SendMessage': 1,
    });
    // The state table: whether a storm sweep of the service is under way (one read), each group's lease (take and
    // free), the claim of the stop's report (on the service's stop-reports record), and the crash-loop count of a
    // failed stop (one update of the service's half-window sets). A lone group's lease is freed in the transaction
    // that claims the report; of two groups' leases, each is freed as soon as its group is done.
    const perStop = { 'DynamoDB.BatchGetItem': 1 };
    expect(oneGroup.state).toEqual({ ...perStop, 'DynamoDB.UpdateItem': 2, 'DynamoDB.TransactWriteItems': 1 });
    expect(twoGroups.state).toEqual({ ...perStop, 'DynamoDB.UpdateItem': 4, 'DynamoDB.DeleteItem': 2 });
    expect(await leasesLeft(world), 'every lease freed, for the next stop not to wait').toEqual([]);
  });

  it('reads no running task for a stop whose ENI the event shows attached, and each group whole in one read', async () => {
    // Prepare
    const { react, awsCalls } = await coldContainer(world, 'task-state-change', CONFIG);
    await react(taskStateChangeEvent(world, task('api', 0)));

    // Act
    awsCalls.reset();
    await react(taskStateChangeEvent(world, task('api', 1), { lastStatus: 'RUNNING', version: 2 }));
    const stopping = split(awsCalls.snapshot());

    // Assess
    // ECS's first event of a stop: its address is its ENI's until that ENI is deleted, so no running task can own its
    // target, and the one read left above the floor is the group's health, whole (no running task's target to ask
    // about instead), under its lease.
    expect(stopping.aws).toEqual({
      'ELBv2.DescribeTargetHealth': 1,
      'ELBv2.DeregisterTargets': 1,
      'SQS.SendMessage': 1,
    });
  });

  it.each([
    ['gone from the group', false],
    ['draining', true],
  ])(
    'reads only each group’s health for a stopped task whose targets ECS already removed (%s)',
    async (_state, draining) => {
      // Prepare: ECS deregisters a task's targets while it deactivates, before it is STOPPED
      const { react, awsCalls } = await coldContainer(world, 'task-state-change', CONFIG);
      await react(taskStateChangeEvent(world, task('api', 0)));
      await react(taskStateChangeEvent(world, task('web', 0)));
      for (const [service, index] of [
        ['api', 1],
        ['web', 1],
      ] as const) {
        const { ip, port } = task(service, index);
        for (const targetGroupArn of world.services[service]?.targetGroupArns ?? []) {
          const target = { id: ip, port };
          await clients(proxy.endpoint).elbv2.send(
            new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: ip, Port: port }] }),
          );
          if (draining) proxy.keepDraining(targetGroupArn, target);
        }
      }
      const before = await membership(world);

      // Act
      awsCalls.reset();
      await react(taskStateChangeEvent(world, task('api', 1)));
      const oneGroup = split(awsCalls.snapshot());
      awsCalls.reset();
      await react(taskStateChangeEvent(world, task('web', 1)));
      const twoGroups = split(awsCalls.snapshot());

      // Assess
      // Nothing is left to remove: no running task is read, no lease is taken, nothing is written to ELB, and a late
      // event that found nothing to do is not alerted. The crash-loop count and the storm sweep read stay.
      expect(oneGroup.aws).toEqual({ 'ELBv2.DescribeTargetHealth': 1 });
      expect(twoGroups.aws).toEqual({ 'ELBv2.DescribeTargetHealth': 2 });
      const perStop = { 'DynamoDB.BatchGetItem': 1, 'DynamoDB.UpdateItem': 1 };
      expect(oneGroup.state).toEqual(perStop);
      expect(twoGroups.state).toEqual(perStop);
      expect(await membership(world)).toEqual(before);
    },
  );
});
