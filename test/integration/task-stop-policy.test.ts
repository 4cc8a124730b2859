import { beforeEach, describe, expect, it } from 'vitest';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, receiveOutbox, receiveOutboxAlerts, type World } from '#local/world.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';

const proxy = await useMotoProxy();

describe('Function: task-state-change, what a batch of stops may and may not remove', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 4 },
        { name: 'api', tasks: 3 },
      ],
    });
  });

  const task = (service: string, index: number) => worldTask(world, service, index);
  const target = (service: string, index: number) => `${task(service, index).ip}:${task(service, index).port}`;

  it('keeps the targets of a service whose policy says not to deregister, and still alerts on its failed stop', async () => {
    // Prepare
    const config = `${prodClusterConfig('web')}        taskFailures: { deregisterTargets: false }\n      - name: api\n`;
    const { react } = await coldContainer(world, 'task-state-change', config);
    const before = await membership(world, ['web']);

    // Act: ECS's first event of each stop (its STOPPED event, later, finds nothing left to report)
    const stopping = { lastStatus: 'RUNNING', version: 2 };
    await react(taskStateChangeEvent(world, task('web', 0), stopping));
    await react(taskStateChangeEvent(world, task('api', 0), stopping));

    // Assess
    expect(await membership(world, ['web'])).toEqual(before);
    const api = await membership(world, ['api']);
    expect(Object.values(api).flat()).not.toContain(target('api', 0));
    const alerts = await receiveOutboxAlerts(world);
    expect(alerts.map((a) => [a.service, a.kind]).sort()).toEqual([
      ['api', 'task-stopped/essential-container-exited'],
      ['web', 'task-stopped/essential-container-exited'],
    ]);
  });

  it('reads the running tasks when one stop of a batch may have freed its address, though another still holds its own', async () => {
    // Prepare: a late STOPPED event of an old task whose address web's running task 1 has now, and ECS's first event
    // of web's task 2 stopping, whose address is its ENI's still
    const { reactBatch } = await coldContainer(world, 'task-state-change', prodClusterConfig('web', 'api'));
    const reused = task('web', 1);
    const oldTask = {
      taskArn: `${world.clusterArn.replace(':cluster/', ':task/')}/0ld0000000000000000000000000000b`,
      ip: reused.ip,
    };
    const late = taskStateChangeEvent(world, oldTask, { service: 'web' });
    const first = taskStateChangeEvent(world, task('web', 2), { lastStatus: 'RUNNING', version: 2 });

    // Act
    await reactBatch([late, first]);

    // Assess
    const left = Object.values(await membership(world, ['web'])).flat();
    expect(left, 'the running task keeps its target').toContain(target('web', 1));
    expect(left, 'the stopping task’s target is removed').not.toContain(target('web', 2));
    expect(left).toContain(target('web', 0));
    expect(left).toContain(target('web', 3));
  });

  it('returns a stop for a retry when its service cannot be described, and sends no alert yet', async () => {
    // Prepare: ECS answers DescribeServices with a server error, beyond the SDK's own retries
    const { react } = await coldContainer(world, 'task-state-change', prodClusterConfig('web', 'api'));
    const before = await membership(world, ['web']);
    proxy.failWith5xx('ecs:DescribeServices', 10);

    // Act
    const result = await react(taskStateChangeEvent(world, task('web', 0)));

    // Assess
    expect(result.batchItemFailures).toHaveLength(1);
    expect(result.reaction.failures[0]?.why).toMatch(/^the service could not be described: /);
    expect(await membership(world, ['web'])).toEqual(before);
    expect(await receiveOutbox(world)).toEqual([]);
  });
});
