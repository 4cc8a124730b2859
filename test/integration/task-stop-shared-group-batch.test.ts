import { CreateServiceCommand, DescribeServicesCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { AwsCall } from '#local/moto-proxy.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, targetsOf, type World, type WorldService } from '#local/world.js';
import { clients } from '#local/world-clients.js';
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
  const web = world.services.web as WorldService;
  const targetGroupArn = web.targetGroupArns[0] as string;
  const { ecs, elbv2 } = clients(world.endpoint);
  const networkConfiguration = {
    awsvpcConfiguration: { subnets: world.subnetIds, securityGroups: [world.securityGroupId] },
  };
  const created = await ecs.send(
    new CreateServiceCommand({
      cluster: world.clusterName,
      serviceName: 'admin',
      taskDefinition: web.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration,
      loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: web.containerPort }],
    }),
  );
  const serviceArn = created.service?.serviceArn as string;
  const described = await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: [serviceArn] }));
  const deploymentId = described.services?.[0]?.deployments?.[0]?.id as string;
  const started = await ecs.send(
    new RunTaskCommand({
      cluster: world.clusterName,
      taskDefinition: web.taskDefinitionArn,
      launchType: 'FARGATE',
      networkConfiguration,
      group: 'service:admin',
      startedBy: deploymentId,
    }),
  );
  const attachment = started.tasks?.[0]?.attachments?.[0];
  const detail = (name: string) => attachment?.details?.find((d) => d.name === name)?.value as string;
  const ip = detail('privateIPv4Address');
  const eni = {
    attachmentId: attachment?.id as string,
    subnetId: detail('subnetId'),
    networkInterfaceId: detail('networkInterfaceId'),
    macAddress: detail('macAddress'),
    privateDnsName: detail('privateDnsName'),
    availabilityZone: worldTask(world, 'web', 0).eni.availabilityZone,
  };
  const adminTask = { taskArn: started.tasks?.[0]?.taskArn as string, ip, port: web.containerPort, eni };
  await elbv2.send(
    new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: ip, Port: adminTask.port }] }),
  );
  world.services.admin = { ...web, serviceArn, serviceName: 'admin', deploymentId, tasks: [adminTask] };
  return { world, targetGroupArn };
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
