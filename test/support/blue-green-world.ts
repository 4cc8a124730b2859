import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ProxyRule } from '#local/moto-proxy-types.js';
import { loadBalancerDimension, targetGroupDimension } from '#shared/aws/arn.js';

const REGION = 'us-east-1';

/** A service of ECS's own blue/green family: two target groups, a production and a test listener rule. */
export interface BlueGreenWorld {
  clients: { ecs: ECSClient; elb: ElasticLoadBalancingV2Client; cloudwatch: CloudWatchClient };
  serviceArn: string;
  clusterName: string;
  loadBalancerArn: string;
  blueTargetGroupArn: string;
  greenTargetGroupArn: string;
  productionRuleArn: string;
  testRuleArn: string;
}

const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`moto returned no ${what}`);
  return value;
};

/**
 * Provisions, through `endpoint`, a VPC, an ALB with a production listener rule (blue `blueWeight`, green the rest)
 * and a test listener rule (green only), and a service whose load balancer entry carries `advancedConfiguration`.
 */
export async function provisionBlueGreen(endpoint: string, blueWeight = 90): Promise<BlueGreenWorld> {
  const config = { endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const ec2 = new EC2Client(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  const ecs = new ECSClient(config);
  const cloudwatch = new CloudWatchClient(config);
  const vpcId = required((await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId, 'VPC');
  const subnets = await Promise.all(
    ['a', 'b'].map(async (zone, i) => {
      const out = await ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.1.${i}.0/24`, AvailabilityZone: `${REGION}${zone}` }),
      );
      return required(out.Subnet?.SubnetId, 'subnet');
    }),
  );
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: subnets, Type: 'application' }));
  const loadBalancerArn = required(lb.LoadBalancers?.[0]?.LoadBalancerArn, 'load balancer');
  const targetGroup = async (name: string) => {
    const out = await elb.send(
      new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'ip' }),
    );
    return required(out.TargetGroups?.[0]?.TargetGroupArn, 'target group');
  };
  const blueTargetGroupArn = await targetGroup('shop-blue');
  const greenTargetGroupArn = await targetGroup('shop-green');
  const listener = async (port: number) => {
    const out = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: loadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
      }),
    );
    return required(out.Listeners?.[0]?.ListenerArn, 'listener');
  };
  const rule = async (listenerArn: string, blue: number) => {
    const out = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blueTargetGroupArn, Weight: blue },
                { TargetGroupArn: greenTargetGroupArn, Weight: 100 - blue },
              ],
            },
          },
        ],
      }),
    );
    return required(out.Rules?.[0]?.RuleArn, 'rule');
  };
  const productionRuleArn = await rule(await listener(80), blueWeight);
  const testRuleArn = await rule(await listener(8080), 0);
  const clusterName = 'shop';
  await ecs.send(new CreateClusterCommand({ clusterName }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'shop',
      containerDefinitions: [{ name: 'web', image: 'nginx', memory: 256, portMappings: [{ containerPort: 80 }] }],
    }),
  );
  const service = await ecs.send(
    new CreateServiceCommand({
      cluster: clusterName,
      serviceName: 'web',
      taskDefinition: 'shop',
      desiredCount: 0,
      deploymentController: { type: 'ECS' },
      loadBalancers: [
        {
          targetGroupArn: blueTargetGroupArn,
          containerName: 'web',
          containerPort: 80,
          advancedConfiguration: {
            alternateTargetGroupArn: greenTargetGroupArn,
            productionListenerRule: productionRuleArn,
            testListenerRule: testRuleArn,
            roleArn: 'arn:aws:iam::123456789012:role/ecs-blue-green',
          },
        },
      ],
    }),
  );
  return {
    clients: { ecs, elb, cloudwatch },
    serviceArn: required(service.service?.serviceArn, 'service'),
    clusterName,
    loadBalancerArn,
    blueTargetGroupArn,
    greenTargetGroupArn,
    productionRuleArn,
    testRuleArn,
  };
}

/** One side's traffic per minute, as the ALB reports it. */
export interface SideTraffic {
  requests: number;
  errors: number;
  latencySeconds: number;
}

/**
 * Puts the ALB's per-minute metrics of both target groups for the `minutes` whole minutes before `now`, with the
 * dimensions CloudWatch gives them (`LoadBalancer` app/…, `TargetGroup` targetgroup/…).
 */
export async function putAlbMinutes(
  world: BlueGreenWorld,
  now: Date,
  minutes: number,
  traffic: { green: SideTraffic; blue: SideTraffic },
): Promise<void> {
  const start = Math.floor(now.getTime() / 60_000) * 60_000 - minutes * 60_000;
  const data: MetricDatum[] = [];
  for (const [side, targetGroupArn] of [
    ['green', world.greenTargetGroupArn],
    ['blue', world.blueTargetGroupArn],
  ] as const) {
    const dimensions = [
      { Name: 'LoadBalancer', Value: loadBalancerDimension(world.loadBalancerArn) },
      { Name: 'TargetGroup', Value: targetGroupDimension(targetGroupArn) },
    ];
    for (let i = 0; i < minutes; i += 1) {
      const timestamp = new Date(start + i * 60_000 + 30_000);
      const { requests, errors, latencySeconds } = traffic[side];
      data.push(
        { MetricName: 'RequestCount', Dimensions: dimensions, Timestamp: timestamp, Value: requests, Unit: 'Count' },
        {
          MetricName: 'HTTPCode_Target_5XX_Count',
          Dimensions: dimensions,
          Timestamp: timestamp,
          Value: errors,
          Unit: 'Count',
        },
        {
          MetricName: 'TargetResponseTime',
          Dimensions: dimensions,
          Timestamp: timestamp,
          Value: latencySeconds,
          Unit: 'Seconds',
        },
      );
    }
  }
  for (let i = 0; i < data.length; i += 500) {
    await world.clients.cloudwatch.send(
      new PutMetricDataCommand({ Namespace: 'AWS/ApplicationELB', MetricData: data.slice(i, i + 500) }),
    );
  }
}

/**
 * ECS's DescribeServiceRevisions, which moto lacks, answered as ECS does: the green revision (read when called, as a
 * test may pick it after adding the rule) names green's target group and the production rule.
 */
export function serviceRevisionsAsEcs(world: BlueGreenWorld, greenRevision: () => string): ProxyRule {
  return {
    name: 'DescribeServiceRevisions as ECS answers it',
    match: (call) => call.operation === 'DescribeServiceRevisions',
    respond: () => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({
        serviceRevisions: [
          {
            serviceRevisionArn: greenRevision(),
            serviceArn: world.serviceArn,
            resolvedConfiguration: {
              loadBalancers: [
                { targetGroupArn: world.greenTargetGroupArn, productionListenerRule: world.productionRuleArn },
              ],
            },
          },
        ],
        failures: [],
      }),
    }),
  };
}

/** A service of the world's cluster whose one load balancer entry (blue) has no blue/green wiring; its ARN. */
export async function addPlainService(world: BlueGreenWorld, serviceName: string): Promise<string> {
  const out = await world.clients.ecs.send(
    new CreateServiceCommand({
      cluster: world.clusterName,
      serviceName,
      taskDefinition: 'shop',
      desiredCount: 0,
      loadBalancers: [{ targetGroupArn: world.blueTargetGroupArn, containerName: 'web', containerPort: 80 }],
    }),
  );
  return required(out.service?.serviceArn, 'service');
}
