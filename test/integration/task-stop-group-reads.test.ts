import { beforeEach, describe, expect, it } from 'vitest';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, type World } from '#local/world.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';
import { queuedBatch } from '../../cli/replay.js';

const proxy = await useMotoProxy();

const CONFIG = prodClusterConfig('web');

/** The targets each DescribeTargetHealth named, in call order: `undefined` for a read of the whole group. */
function recordHealthReads(): Array<string[] | undefined> {
  const reads: Array<string[] | undefined> = [];
  proxy.addRule({
    name: 'record DescribeTargetHealth',
    match: (call) => {
      if (call.operation !== 'DescribeTargetHealth') return false;
      const params = call.params as Record<string, string>;
      const ids = Object.keys(params)
        .filter((k) => /^Targets\.member\.\d+\.Id$/.test(k))
        .map((k) => `${params[k]}:${params[k.replace(/Id$/, 'Port')]}`)
        .sort();
      reads.push(ids.length > 0 ? ids : undefined);
      return false;
    },
  });
  return reads;
}

describe('Function: task-state-change, what decides a group’s share of a batch', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 7 }] });
  });

  const task = (index: number) => worldTask(world, 'web', index);
  const label = (t: { ip: string; port: number }) => `${t.ip}:${t.port}`;
  const group = () => world.services.web?.targetGroupArns[0] ?? '';

  it.each([
    ['newest first', [5, 3]],
    ['newest last', [3, 5]],
  ])('decides a task’s stop from its newest event when the batch holds two of them (%s)', async (_order, versions) => {
    // Prepare: a task stopped long ago, whose address a running task of web holds now; ECS's first event of its
    // stop (its ENI still attached, so the address was still its own) and its STOPPED event (ENI deleted) come in
    // one batch. Only the STOPPED one says the address may be another task's.
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const reused = task(1);
    const oldTask = {
      taskArn: `${world.clusterArn.replace(':cluster/', ':task/')}/0ld0000000000000000000000000000b`,
      ip: reused.ip,
    };
    const eventOf = (version: number) =>
      taskStateChangeEvent(world, oldTask, {
        service: 'web',
        version,
        ...(version === 3 ? { lastStatus: 'RUNNING' } : {}),
      });
    const before = await membership(world, ['web']);

    // Act
    const result = await react(queuedBatch(versions.map(eventOf), world.region, world.account));

    // Assess: the running task keeps its target
    expect(result.batchItemFailures).toEqual([]);
    expect(await membership(world, ['web'])).toEqual(before);
    expect(result.reaction.services[0]?.outcomes[0]?.plan?.decisions).toMatchObject([
      { verdict: 'owned-by-running-task', target: label(reused) },
    ]);
  });

  it('asks about the stopped task’s target and five running tasks’ under the lease, and no more when one of those is in service', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const stopped = task(2);
    const sampled = world.services.web?.tasks
      .filter((t) => t !== stopped)
      .map(label)
      .sort()
      .slice(0, 5);
    const reads = recordHealthReads();

    // Act
    const result = await react(taskStateChangeEvent(world, stopped));

    // Assess: its own target first, unleased; then it and the sample, under the lease
    expect(result.batchItemFailures).toEqual([]);
    expect(reads).toEqual([[label(stopped)], [label(stopped), ...(sampled ?? [])].sort()]);
    expect((await membership(world, ['web']))[group()]).not.toContain(label(stopped));
  });

  it('reads the whole group before keeping a stopped task’s target as the last when the sample cannot prove another', async () => {
    // Prepare: the five running targets the partial read asks about are draining; the sixth is healthy
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const stopped = task(2);
    const running = (world.services.web?.tasks ?? [])
      .filter((t) => t !== stopped)
      .sort((a, b) => label(a).localeCompare(label(b)));
    for (const t of running.slice(0, 5)) proxy.setTargetHealth(group(), { id: t.ip, port: t.port }, 'draining');
    const reads = recordHealthReads();

    // Act
    const result = await react(taskStateChangeEvent(world, stopped));

    // Assess: the whole group shows the sixth in service, so the stopped task's target goes
    expect(result.batchItemFailures).toEqual([]);
    expect(reads).toHaveLength(3);
    expect(reads[2]).toBeUndefined();
    expect(result.reaction.services[0]?.outcomes[0]?.plan?.decisions).toMatchObject([
      { verdict: 'deregister', target: label(stopped) },
    ]);
    expect((await membership(world, ['web']))[group()]).not.toContain(label(stopped));
  });
});
