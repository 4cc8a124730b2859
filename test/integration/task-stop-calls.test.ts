import { beforeEach, describe, expect, inject, it } from 'vitest';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, type World } from '#local/world.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';

const endpoint = inject('motoEndpoint');

const CONFIG = prodClusterConfig('web', 'api');

/** Calls by operation, split into the state table's and the rest (ECS, ELB, SQS: what the floor is made of). */
function split(calls: Record<string, number>) {
  const of = (state: boolean) =>
    Object.fromEntries(Object.entries(calls).filter(([op]) => op.startsWith('DynamoDB.') === state));
  return { aws: of(false), state: of(true) };
}

describe('Function: task-state-change, AWS calls per stopped task (warm, through the handler)', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(endpoint, {
      services: [
        { name: 'web', tasks: 4, targetGroups: 2 },
        { name: 'api', tasks: 4 },
      ],
    });
  });

  const task = (service: string, index: number) => {
    const found = world.services[service]?.tasks[index];
    if (!found) throw new Error(`no task ${index} in ${service}`);
    return found;
  };

  it('costs one read of the running tasks, one health read and one write per target group, and one alert', async () => {
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
    // The floor is one DeregisterTargets per group and one SendMessage. Above it: the running tasks (ListTasks,
    // DescribeTasks: an address of the stopped task may already be a running task's) and each group's health of the
    // targets concerned (never empty), read under the group's lease.
    expect(oneGroup.aws).toEqual({
      'ECS.ListTasks': 1,
      'ECS.DescribeTasks': 1,
      'ELBv2.DescribeTargetHealth': 1,
      'ELBv2.DeregisterTargets': 1,
      'SQS.SendMessage': 1,
    });
    expect(twoGroups.aws).toEqual({
      'ECS.ListTasks': 1,
      'ECS.DescribeTasks': 1,
      'ELBv2.DescribeTargetHealth': 2,
      'ELBv2.DeregisterTargets': 2,
      'SQS.SendMessage': 1,
    });
    // The state table: whether a storm sweep of the service is under way (one read), each group's lease (take and
    // free), the claim of the stop's report (one update of the service's stop-reports record), and the crash-loop
    // count of a failed stop (one update of the service's half-window sets).
    const perStop = { 'DynamoDB.BatchGetItem': 1 };
    expect(oneGroup.state).toEqual({ ...perStop, 'DynamoDB.UpdateItem': 3, 'DynamoDB.DeleteItem': 1 });
    expect(twoGroups.state).toEqual({ ...perStop, 'DynamoDB.UpdateItem': 4, 'DynamoDB.DeleteItem': 2 });
  });

  it('reads no running task for a stop whose ENI the event shows attached, and each group whole in one read', async () => {
    // Prepare
    const { react, awsCalls } = await coldContainer(world, 'task-state-change', CONFIG);
    await react(taskStateChangeEvent(world, task('api', 0)));

    // Act
    awsCalls.reset();
    await react(taskStateChangeEvent(world, task('api', 1), { lastStatus: 'STOPPING', version: 3 }));
    const stopping = split(awsCalls.snapshot());

    // Assess
    // Its address is its ENI's until that ENI is deleted: no running task can own its target, so the one read left
    // above the floor is the group's health, whole (no running task's target to ask about instead).
    expect(stopping.aws).toEqual({
      'ELBv2.DescribeTargetHealth': 1,
      'ELBv2.DeregisterTargets': 1,
      'SQS.SendMessage': 1,
    });
  });
});
