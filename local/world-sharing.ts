/* A second service of a test world bound to the target groups of a first: services that share a target group. */
import { CreateServiceCommand, DescribeServicesCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { clients, required } from './world-clients.js';
import { taskEni } from './world-services.js';
import type { World, WorldService } from './world-types.js';

/**
 * Service `name`, bound to the target groups of the world's service `of` on its container port and running its task
 * definition, with one task started as ECS's scheduler would (its group and deployment), and added to the world's
 * services. The task's target is registered in those groups, as ECS would, unless `register` is false (a task about
 * to take an address a test gives it).
 */
export async function provisionSharingService(
  world: World,
  name: string,
  of: string,
  options: { tags?: Record<string, string>; register?: boolean } = {},
): Promise<WorldService> {
  const shared = required(world.services[of], `service ${of}`);
  const { ecs, elbv2 } = clients(world.endpoint);
  const networkConfiguration = {
    awsvpcConfiguration: { subnets: world.subnetIds, securityGroups: [world.securityGroupId] },
  };
  const created = await ecs.send(
    new CreateServiceCommand({
      cluster: world.clusterName,
      serviceName: name,
      taskDefinition: shared.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration,
      loadBalancers: shared.targetGroupArns.map((targetGroupArn) => ({
        targetGroupArn,
        containerName: 'app',
        containerPort: shared.containerPort,
      })),
      tags: options.tags && Object.entries(options.tags).map(([key, value]) => ({ key, value })),
    }),
  );
  const serviceArn = required(created.service?.serviceArn, 'serviceArn');
  const described = await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: [serviceArn] }));
  const deploymentId = required(described.services?.[0]?.deployments?.[0]?.id, 'deployments[0].id');
  const started = await ecs.send(
    new RunTaskCommand({
      cluster: world.clusterName,
      taskDefinition: shared.taskDefinitionArn,
      launchType: 'FARGATE',
      networkConfiguration,
      group: `service:${name}`,
      startedBy: deploymentId,
    }),
  );
  const task = required(started.tasks?.[0], 'the started task');
  const { ip, eni } = taskEni(task, world);
  const running = { taskArn: required(task.taskArn, 'taskArn'), ip, port: shared.containerPort, eni };
  if (options.register !== false) {
    for (const targetGroupArn of shared.targetGroupArns) {
      await elbv2.send(
        new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: ip, Port: running.port }] }),
      );
    }
  }
  const service: WorldService = { ...shared, serviceArn, serviceName: name, deploymentId, tasks: [running] };
  world.services[name] = service;
  return service;
}
