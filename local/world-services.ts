import {
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { clients, required, ZONES } from './world-clients.js';
import type { Network, ServiceSpec, TaskEni, WorldService } from './world-types.js';

/** One ECS service of a world: its target groups, task definition, service and running registered tasks. */
export async function provisionService(endpoint: string, network: Network, spec: ServiceSpec): Promise<WorldService> {
  const { ecs, elbv2 } = clients(endpoint);
  const containerPort = spec.containerPort ?? 8080;

  const targetGroupArns: string[] = [];
  for (let i = 1; i <= (spec.targetGroups ?? 1); i++) {
    const group = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: `${spec.name}-tg${i}`,
        Protocol: 'HTTP',
        Port: containerPort,
        VpcId: network.vpcId,
        TargetType: 'ip',
      }),
    );
    targetGroupArns.push(required(group.TargetGroups?.[0]?.TargetGroupArn, 'TargetGroupArn'));
  }

  const taskDefinition = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: spec.name,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      // moto needs integer cpu and memory on every container or RunTask fails with a 500.
      containerDefinitions: [
        {
          name: 'app',
          image: `public.ecr.aws/example/${spec.name}:latest`,
          cpu: 256,
          memory: 512,
          essential: true,
          portMappings: [{ containerPort, protocol: 'tcp' }],
        },
      ],
    }),
  );
  const taskDefinitionArn = required(taskDefinition.taskDefinition?.taskDefinitionArn, 'taskDefinitionArn');

  // moto needs securityGroups in awsvpcConfiguration or CreateService/RunTask fail with a 500.
  const networkConfiguration = {
    awsvpcConfiguration: {
      subnets: network.subnetIds,
      securityGroups: [network.securityGroupId],
      assignPublicIp: 'DISABLED' as const,
    },
  };
  const created = await ecs.send(
    new CreateServiceCommand({
      cluster: network.clusterName,
      serviceName: spec.name,
      taskDefinition: taskDefinitionArn,
      desiredCount: spec.tasks,
      launchType: 'FARGATE',
      networkConfiguration,
      loadBalancers: targetGroupArns.map((targetGroupArn) => ({ targetGroupArn, containerName: 'app', containerPort })),
      tags: spec.tags && Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    }),
  );
  const serviceArn = required(created.service?.serviceArn, 'serviceArn');
  const described = await ecs.send(
    new DescribeServicesCommand({ cluster: network.clusterName, services: [serviceArn] }),
  );
  const deploymentId = required(described.services?.[0]?.deployments?.[0]?.id, 'deployments[0].id');

  // moto services never start tasks: start them as the scheduler would (group and startedBy of the deployment).
  const started: Task[] = [];
  while (started.length < spec.tasks) {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: network.clusterName,
        taskDefinition: taskDefinitionArn,
        count: Math.min(10, spec.tasks - started.length),
        launchType: 'FARGATE',
        networkConfiguration,
        group: `service:${spec.name}`,
        startedBy: deploymentId,
      }),
    );
    if ((run.failures ?? []).length > 0) throw new Error(`RunTask failed: ${JSON.stringify(run.failures)}`);
    started.push(...(run.tasks ?? []));
  }
  const tasks = started.map((task) => {
    const { ip, eni } = taskEni(task, network);
    return { taskArn: required(task.taskArn, 'taskArn'), ip, port: containerPort, eni };
  });

  // Nor do they register targets: register each task's ENI IP in every target group of the service.
  if (tasks.length > 0) {
    for (const targetGroupArn of targetGroupArns) {
      await elbv2.send(
        new RegisterTargetsCommand({
          TargetGroupArn: targetGroupArn,
          Targets: tasks.map((task) => ({ Id: task.ip, Port: task.port })),
        }),
      );
    }
  }

  return {
    serviceArn,
    serviceName: spec.name,
    deploymentId,
    taskDefinitionArn,
    targetGroupArns,
    containerPort,
    tasks,
  };
}

/** The ENI moto gave an awsvpc task; its IP is random, not necessarily inside the subnet. */
export function taskEni(task: Task, network: Network): { ip: string; eni: TaskEni } {
  // DescribeTasks/RunTask say "ElasticNetworkInterface" where EventBridge events say "eni".
  const attachment = task.attachments?.find((candidate) =>
    candidate.details?.some((detail) => detail.name === 'privateIPv4Address'),
  );
  if (attachment === undefined) throw new Error(`task ${task.taskArn} has no ENI attachment with privateIPv4Address`);
  const detail = (name: string) =>
    required(attachment.details?.find((candidate) => candidate.name === name)?.value, `ENI detail ${name}`);
  const subnetId = detail('subnetId');
  const zoneIndex = Math.max(0, network.subnetIds.indexOf(subnetId));
  return {
    ip: detail('privateIPv4Address'),
    eni: {
      attachmentId: required(attachment.id, 'attachment id'),
      subnetId,
      networkInterfaceId: detail('networkInterfaceId'),
      macAddress: detail('macAddress'),
      privateDnsName: detail('privateDnsName'),
      availabilityZone: required(ZONES[zoneIndex], 'availability zone'),
    },
  };
}
