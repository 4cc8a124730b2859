import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ensureStateTable } from '#shared/state/table.js';
import {
  ALERTS_QUEUE,
  ALERTS_TOPIC,
  clients,
  OUTBOX_QUEUE,
  REGION,
  required,
  STATE_TABLE,
  ZONES,
} from './world-clients.js';
import { provisionService } from './world-services.js';
import type { World, WorldService, WorldSpec } from './world-types.js';

export { membership, receiveAlerts, receiveOutbox, receiveOutboxAlerts, targetsOf } from './world-observe.js';
export type * from './world-types.js';

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
    stateTableName: STATE_TABLE,
    services,
  };
  await ensureStateTable(clients(endpoint).dynamodb, STATE_TABLE);
  if (spec.alerts ?? true) Object.assign(world, await provisionAlerts(endpoint));
  return world;
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
