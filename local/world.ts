import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** What {@link provisionWorld} builds. */
export interface WorldSpec {
  /** ECS cluster name; default `prod`. */
  cluster?: string;
  services: ServiceSpec[];
  /** Create the alerts topic, its subscriber queue and the FIFO outbox; default true. */
  alerts?: boolean;
}

/** One ECS service of a {@link WorldSpec}. */
export interface ServiceSpec {
  name: string;
  /** Tasks started with `run_task` and registered in every target group of the service. */
  tasks: number;
  /** Target groups `<name>-tg1..N`; default 1. */
  targetGroups?: number;
  /** Container port of `app`, also the target-group and target port; default 8080. */
  containerPort?: number;
  /** Tags of the ECS service. */
  tags?: Record<string, string>;
}

/** A running task of a {@link WorldService}: its ENI IP and the port it is registered with. */
export interface WorldTask {
  taskArn: string;
  ip: string;
  port: number;
  /** The task's ENI as moto reported it (used to build realistic task state change events). */
  eni: TaskEni;
}

/** The `eni` attachment of an awsvpc task. */
export interface TaskEni {
  attachmentId: string;
  subnetId: string;
  networkInterfaceId: string;
  macAddress: string;
  privateDnsName: string;
  availabilityZone: string;
}

/** One provisioned ECS service. */
export interface WorldService {
  serviceArn: string;
  serviceName: string;
  deploymentId: string;
  taskDefinitionArn: string;
  targetGroupArns: string[];
  containerPort: number;
  tasks: WorldTask[];
}

/** Everything {@link provisionWorld} created, by identifier. */
export interface World {
  endpoint: string;
  region: 'us-east-1';
  account: string;
  clusterName: string;
  clusterArn: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  loadBalancerArn: string;
  listenerArn: string;
  topicArn?: string;
  alertsQueueUrl?: string;
  outboxQueueUrl?: string;
  services: Record<string, WorldService>;
}

/** An alert as the SNS subscriber queue received it. */
export interface ReceivedAlert {
  /** `Message` of the SNS envelope, parsed as JSON (the raw text if it is not JSON). */
  message: unknown;
  /** SNS message attributes, name to value. */
  attributes: Record<string, string>;
}

/** A message of the FIFO outbox, left in flight (delete it with its receipt handle). */
export interface OutboxMessage {
  body: string;
  receiptHandle: string;
  messageId: string;
  /** SQS system attributes (MessageGroupId, MessageDeduplicationId, SequenceNumber, …). */
  attributes: Record<string, string>;
  /** Message attributes, name to string value. */
  messageAttributes: Record<string, string>;
  groupId: string;
  dedupId: string;
}

const REGION = 'us-east-1';
const ZONES = ['us-east-1a', 'us-east-1b'] as const;
const ALERTS_TOPIC = 'ecs-autopilot-alerts';
const ALERTS_QUEUE = 'alerts-subscriber';
const OUTBOX_QUEUE = 'ecs-autopilot-alert-outbox.fifo';

interface Clients {
  ec2: EC2Client;
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  sns: SNSClient;
  sqs: SQSClient;
}

const clientsByEndpoint = new Map<string, Clients>();

/** The harness's own (unmetered) SDK clients for a moto endpoint. */
function clients(endpoint: string): Clients {
  let found = clientsByEndpoint.get(endpoint);
  if (found === undefined) {
    const config = {
      endpoint,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 2,
    };
    found = {
      ec2: new EC2Client(config),
      ecs: new ECSClient(config),
      elbv2: new ElasticLoadBalancingV2Client(config),
      sns: new SNSClient(config),
      sqs: new SQSClient(config),
    };
    clientsByEndpoint.set(endpoint, found);
  }
  return found;
}

/** Builds a VPC, an ALB with a listener, an ECS cluster with services, running registered tasks, and alert queues. */
export async function provisionWorld(endpoint: string, spec: WorldSpec): Promise<World> {
  const { ec2, ecs, elbv2 } = clients(endpoint);
  const clusterName = spec.cluster ?? 'prod';
  if (spec.services.length === 0) throw new Error('provisionWorld: a world needs at least one service');

  const vpcId = required((await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId, 'VpcId');
  // Without DNS hostnames moto answers awsvpc RunTask with a 500.
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnetIds: string[] = [];
  for (const [index, zone] of ZONES.entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${index}.0/24`, AvailabilityZone: zone }),
    );
    subnetIds.push(required(subnet.Subnet?.SubnetId, 'SubnetId'));
  }
  const securityGroupId = required(
    (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `${clusterName}-tasks`, Description: 'ecs tasks', VpcId: vpcId }),
      )
    ).GroupId,
    'GroupId',
  );

  const loadBalancer = await elbv2.send(
    new CreateLoadBalancerCommand({
      Name: `${clusterName}-alb`,
      Type: 'application',
      Scheme: 'internet-facing',
      Subnets: subnetIds,
      SecurityGroups: [securityGroupId],
    }),
  );
  const loadBalancerArn = required(loadBalancer.LoadBalancers?.[0]?.LoadBalancerArn, 'LoadBalancerArn');

  const cluster = await ecs.send(new CreateClusterCommand({ clusterName }));
  const clusterArn = required(cluster.cluster?.clusterArn, 'clusterArn');
  const account = required(clusterArn.split(':')[4], 'account in cluster ARN');

  const services: Record<string, WorldService> = {};
  for (const service of spec.services) {
    services[service.name] = await provisionService(
      endpoint,
      { clusterName, vpcId, subnetIds, securityGroupId },
      service,
    );
  }

  const first = required(services[required(spec.services[0], 'first service').name], 'first service');
  const listener = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: first.targetGroupArns.map((arn, index) => ({
              TargetGroupArn: arn,
              Weight: index === 0 ? 100 : 0,
            })),
          },
        },
      ],
    }),
  );
  const listenerArn = required(listener.Listeners?.[0]?.ListenerArn, 'ListenerArn');

  const world: World = {
    endpoint,
    region: REGION,
    account,
    clusterName,
    clusterArn,
    vpcId,
    subnetIds,
    securityGroupId,
    loadBalancerArn,
    listenerArn,
    services,
  };
  if (spec.alerts ?? true) Object.assign(world, await provisionAlerts(endpoint));
  return world;
}

interface Network {
  clusterName: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
}

async function provisionService(endpoint: string, network: Network, spec: ServiceSpec): Promise<WorldService> {
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

async function provisionAlerts(
  endpoint: string,
): Promise<{ topicArn: string; alertsQueueUrl: string; outboxQueueUrl: string }> {
  const { sns, sqs } = clients(endpoint);
  const topicArn = required((await sns.send(new CreateTopicCommand({ Name: ALERTS_TOPIC }))).TopicArn, 'TopicArn');
  const alertsQueueUrl = required(
    (await sqs.send(new CreateQueueCommand({ QueueName: ALERTS_QUEUE }))).QueueUrl,
    'QueueUrl',
  );
  const queueArn = required(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: alertsQueueUrl, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn,
    'QueueArn',
  );
  // moto delivers SNS to SQS without a queue policy; raw delivery off keeps the envelope and its MessageAttributes.
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: 'false' },
    }),
  );
  const outboxQueueUrl = required(
    (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: OUTBOX_QUEUE,
          Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' },
        }),
      )
    ).QueueUrl,
    'QueueUrl',
  );
  return { topicArn, alertsQueueUrl, outboxQueueUrl };
}

/** The targets of a target group with their health state (moto reports every registered target `healthy`). */
export async function targetsOf(
  world: World,
  targetGroupArn: string,
): Promise<Array<{ id: string; port: number; state: string }>> {
  const { elbv2 } = clients(world.endpoint);
  const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (health.TargetHealthDescriptions ?? []).map((description) => ({
    id: required(description.Target?.Id, 'Target.Id'),
    port: required(description.Target?.Port, 'Target.Port'),
    state: description.TargetHealth?.State ?? 'unknown',
  }));
}

/** Drains the `alerts-subscriber` queue (deleting what it read) and unwraps each SNS envelope. */
export async function receiveAlerts(world: World, options: { waitSeconds?: number } = {}): Promise<ReceivedAlert[]> {
  const queueUrl = required(world.alertsQueueUrl, 'alertsQueueUrl (world provisioned with alerts: false)');
  const messages = await drain(world, queueUrl, options.waitSeconds ?? 0, true);
  return messages.map((message) => {
    const envelope = JSON.parse(message.Body ?? '{}') as {
      Message?: string;
      MessageAttributes?: Record<string, { Type: string; Value: string }>;
    };
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(envelope.MessageAttributes ?? {})) attributes[name] = value.Value;
    return { message: parseJson(envelope.Message ?? ''), attributes };
  });
}

/** Receives every visible message of the FIFO outbox without deleting them (they stay in flight). */
export async function receiveOutbox(world: World): Promise<OutboxMessage[]> {
  const queueUrl = required(world.outboxQueueUrl, 'outboxQueueUrl (world provisioned with alerts: false)');
  const messages = await drain(world, queueUrl, 0, false);
  return messages.map((message) => {
    const attributes: Record<string, string> = { ...(message.Attributes ?? {}) };
    const messageAttributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      if (value.StringValue !== undefined) messageAttributes[name] = value.StringValue;
    }
    return {
      body: message.Body ?? '',
      receiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
      messageId: required(message.MessageId, 'MessageId'),
      attributes,
      messageAttributes,
      groupId: attributes.MessageGroupId ?? '',
      dedupId: attributes.MessageDeduplicationId ?? '',
    };
  });
}

/** Receives batches of 10 until a receive comes back empty; only the first receive long-polls. */
async function drain(world: World, queueUrl: string, waitSeconds: number, remove: boolean): Promise<Message[]> {
  const { sqs } = clients(world.endpoint);
  const all: Message[] = [];
  const seen = new Set<string>();
  for (let round = 0; round < 100; round++) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: round === 0 ? waitSeconds : 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const batch = (received.Messages ?? []).filter((message) => !seen.has(message.MessageId ?? ''));
    if (batch.length === 0) break;
    for (const message of batch) seen.add(message.MessageId ?? '');
    all.push(...batch);
    if (remove) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
          })),
        }),
      );
    }
  }
  return all;
}

/** The ENI moto gave an awsvpc task; its IP is random, not necessarily inside the subnet. */
function taskEni(task: Task, network: Network): { ip: string; eni: TaskEni } {
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`moto returned no ${what}`);
  return value;
}

/** The registered targets (`id:port`, sorted) of every target group of the named services, or of all of them. */
export async function membership(world: World, services?: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const service of Object.values(world.services)) {
    if (services && !services.includes(service.serviceName)) continue;
    for (const tg of service.targetGroupArns)
      out[tg] = (await targetsOf(world, tg)).map((t) => `${t.id}:${t.port}`).sort();
  }
  return out;
}
