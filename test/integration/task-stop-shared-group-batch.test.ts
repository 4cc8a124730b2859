import { StopTaskCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { AwsCall } from '#local/moto-proxy.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, targetsOf, type World } from '#local/world.js';
import { clients } from '#local/world-clients.js';
import { provisionSharingService } from '#local/world-sharing.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';

const proxy = await useMotoProxy();

const CONFIG = prodClusterConfig('web', 'admin');

/**
 * A world where web's one task and admin's one task are the two targets of web's group: admin is a service of its own
 * whose load balancer names that group, and its task was registered there as ECS would. Admin is added to the world's
 * services so that events can be built for its task.
 */
async function sharedGroupWorld(): Promise<{ world: World; targetGroupArn: string }> {
  const world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 1 }] });
  await provisionSharingService(world, 'admin', 'web');
  return { world, targetGroupArn: world.services.web?.targetGroupArns[0] as string };
}

/** Whether a state table call frees a target group's lease (its delete, alone or in the transaction of a claim). */
const freesLease = (call: AwsCall) =>
  (call.operation === 'DeleteItem' || call.operation === 'TransactWriteItems') &&
  call.body.toString('utf8').includes('lease/membership');

describe('Function: task-state-change, two services sharing one target group in one batch', () => {
  it('keeps the last target when one batch stops the last task of each, the second read after the first removal', async () => {
    // Prepare: both tasks stop; the first removal lands late, so that two pieces of work on the group at once would
    // both read it before either wrote
    const { world, targetGroupArn } = await sharedGroupWorld();
    const web = worldTask(world, 'web', 0);
    const admin = worldTask(world, 'admin', 0);
    const { ecs } = clients(world.endpoint);
    for (const t of [web, admin]) await ecs.send(new StopTaskCommand({ cluster: world.clusterName, task: t.taskArn }));
    stampStoppedTasks(proxy, new Date());
    proxy.addRule({
      name: 'the first removal from the group lands late',
      match: (call) => call.operation === 'DeregisterTargets',
      times: 1,
      delayMs: 3_000,
    });
    /** In order: each answer of ELB about the group, and each call that frees its lease. */
    const seen: string[] = [];
    proxy.addRule({
      name: 'the order of the group’s reads and writes and of the lease’s frees',
      match: (call) => {
        if (freesLease(call)) seen.push('lease freed');
        return call.operation === 'DescribeTargetHealth' || call.operation === 'DeregisterTargets';
      },
      answered: (call) => void seen.push(`${call.operation} answered`),
    });
    const fn = await coldContainer(world, 'task-state-change', CONFIG);

    // Act
    const result = await fn.reactBatch([taskStateChangeEvent(world, admin), taskStateChangeEvent(world, web)]);
    const order = [...seen];

    // Assess: one removal, then the other service's plan read the group with one target left and kept it
    expect(await targetsOf(world, targetGroupArn)).toHaveLength(1);
    const verdicts = result.reaction.services.flatMap((s) =>
      s.outcomes.flatMap((o) => o.plan?.decisions.map((d) => d.verdict) ?? []),
    );
    expect(verdicts.sort()).toEqual(['deregister', 'kept-last']);
    expect(result.batchItemFailures).toEqual([]);
    // The lease is freed once, after the last of the invocation's work on the group: no other invocation could take
    // it while one service's work was still waiting or under way.
    expect(order.filter((s) => s === 'lease freed')).toHaveLength(1);
    expect(order.at(-1), order.join(', ')).toBe('lease freed');
  });
});
