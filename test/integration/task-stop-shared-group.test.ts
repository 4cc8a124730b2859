import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, targetsOf, type World, type WorldTask } from '#local/world.js';
import { provisionSharingService } from '#local/world-sharing.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

describe("Function: task-state-change, when a task of another managed service took the stopped task's address", () => {
  let world: World;
  let targetGroupArn: string;
  let admin: WorldTask;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3 }] });
    targetGroupArn = world.services.web?.targetGroupArns[0] as string;
    await provisionSharingService(world, 'admin', 'web');
    admin = worldTask(world, 'admin', 0);
  });

  const active = async () => (await targetsOf(world, targetGroupArn)).map((t) => `${t.id}:${t.port}`);

  /** Web's task `index` stopped in ECS, and its STOPPED event handled late, once admin's new task has its address. */
  async function stopWithAddressTaken(index: number): Promise<ReturnType<typeof taskStateChangeEvent>> {
    const stopped: WorldTask = worldTask(world, 'web', index);
    const ecs = new ECSClient({ endpoint, region: world.region });
    await ecs.send(
      new StopTaskCommand({ cluster: 'prod', task: stopped.taskArn, reason: 'Essential container exited' }),
    );
    return taskStateChangeEvent(world, { ...stopped, ip: admin.ip }, { service: 'web' });
  }

  it.each([
    ['by name', prodClusterConfig('web', 'admin')],
    ["by the cluster's wildcard", prodClusterConfig("'*'")],
  ])('keeps the target of the running task of a sharing service managed %s, naming it', async (_how, config) => {
    // Prepare
    const event = await stopWithAddressTaken(0);
    const { react } = await coldContainer(world, 'task-state-change', config);

    // Act
    const result = await react(event);

    // Assess
    expect(await active()).toContain(`${admin.ip}:${admin.port}`);
    const decisions = result.reaction.services[0]?.outcomes[0]?.plan?.decisions;
    expect(decisions).toEqual([
      expect.objectContaining({
        verdict: 'owned-by-running-task',
        target: `${admin.ip}:${admin.port}`,
        why: `${admin.ip}:${admin.port} now belongs to a running task of admin`,
      }),
    ]);
  });

  it("reads the sharing service's running tasks on every such stop, and describes the cluster's services once", async () => {
    // Prepare: a warm container, which has handled one such stop already
    const { react, awsCalls } = await coldContainer(world, 'task-state-change', prodClusterConfig('web', 'admin'));
    await react(await stopWithAddressTaken(0));
    const second = await stopWithAddressTaken(1);

    // Act
    awsCalls.reset();
    await react(second);

    // Assess: web's and admin's running tasks, read as the reconciler reads them; no DescribeServices warm
    const calls = awsCalls.snapshot();
    expect([calls['ECS.DescribeServices'], calls['ECS.ListTasks'], calls['ECS.DescribeTasks']]).toEqual([
      undefined,
      2,
      2,
    ]);
    expect(calls['ELBv2.DeregisterTargets']).toBeUndefined();
    expect(await active()).toContain(`${admin.ip}:${admin.port}`);
  });
});
