import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { throttlingError } from '#local/moto-proxy.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, receiveOutbox, type World } from '#local/world.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';

const proxy = await useMotoProxy();
const CONFIG = prodClusterConfig('web');

describe('Function: task-state-change, when what a stop is decided on cannot be read', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3 }] });
  });

  /** Every call of `operation` throttled until the returned function is called. */
  const throttled = (operation: string) =>
    proxy.addRule({
      name: `${operation} throttled`,
      match: (c) => c.operation === operation,
      respond: throttlingError,
    });

  /** The leases left in the state table: a failed stop must free its target group's at once, not leave it to expire. */
  async function leasesLeft(): Promise<unknown[]> {
    const dynamodb = new DynamoDBClient({ endpoint: proxy.endpoint, region: world.region });
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: world.stateTableName }));
    return Items.map((item) => unmarshall(item)).filter((item) => item.sk === 'lease/membership');
  }

  it('returns a stopped task whose address a running task may hold when the running tasks cannot be read', async () => {
    // Prepare: STOPPED, its ENI gone: the address may be a new task's, so the running tasks must be read first
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const stopped = worldTask(world, 'web', 0);
    const before = await membership(world, ['web']);
    const stopThrottling = throttled('ListTasks');

    // Act
    const result = await react(taskStateChangeEvent(world, stopped));
    stopThrottling();

    // Assess
    expect(result.batchItemFailures).toHaveLength(1);
    expect(result.reaction.failures[0]?.why).toMatch(/^the service's running tasks could not be read: Rate exceeded$/);
    expect(await membership(world, ['web'])).toEqual(before);
    expect(await receiveOutbox(world)).toEqual([]);
    expect(await leasesLeft()).toEqual([]);
  });

  it('returns a stop whose group cannot be read under its lease, frees the lease, and removes nothing', async () => {
    // Prepare: ECS's first event of the stop, its ENI attached: the group is read under its lease only
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const stopping = worldTask(world, 'web', 1);
    const before = await membership(world, ['web']);
    const stopThrottling = throttled('DescribeTargetHealth');

    // Act
    const result = await react(taskStateChangeEvent(world, stopping, { lastStatus: 'RUNNING' }));
    stopThrottling();

    // Assess
    expect(result.batchItemFailures).toHaveLength(1);
    expect(result.reaction.services[0]?.outcomes[0]).toMatchObject({
      audit: [],
      error: 'Throttling: Rate exceeded',
    });
    expect(await membership(world, ['web'])).toEqual(before);
    expect(await leasesLeft()).toEqual([]);
  });
});
