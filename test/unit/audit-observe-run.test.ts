import { ACMClient } from '@aws-sdk/client-acm';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { observeAudit } from '#shared/audit/observe.js';
import { parseConfig } from '#shared/config/load.js';

const region = 'us-east-1';
const clients = {
  ecs: new ECSClient({ region }),
  elbv2: new ElasticLoadBalancingV2Client({ region }),
  ec2: new EC2Client({ region }),
  acm: new ACMClient({ region }),
  autoScaling: new ApplicationAutoScalingClient({ region }),
};
const ecs = mockClient(clients.ecs);
const elbv2 = mockClient(clients.elbv2);
const ec2 = mockClient(clients.ec2);
const autoScaling = mockClient(clients.autoScaling);
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
const TG = (name: string) => `${ELB}:targetgroup/${name}/0123456789abcdef`;
const RULE = `${ELB}:listener-rule/app/prod-alb/1/2/3`;
const LISTENER = `${ELB}:listener/app/prod-alb/1/2`;
const NOW = new Date('2026-11-26T06:00:00Z');

const config = parseConfig({
  version: 1,
  clusters: [{ name: 'prod', services: [{ name: 'web', scaling: { minCount: 1, maxCount: 4 } }, { name: 'api' }] }],
  canaries: [
    {
      name: 'web',
      cluster: 'prod',
      ruleArn: RULE,
      sides: [
        { service: 'web', targetGroupArn: TG('web') },
        { service: 'web-green', targetGroupArn: TG('web-green') },
      ],
    },
    {
      name: 'off',
      enabled: false,
      cluster: 'prod',
      listenerArn: LISTENER,
      sides: [
        { service: 'api', targetGroupArn: TG('api') },
        { service: 'api-green', targetGroupArn: TG('api-green') },
      ],
    },
  ],
});

beforeEach(() => {
  for (const mock of [ecs, elbv2, ec2, autoScaling]) mock.reset();
  ecs.on(DescribeServicesCommand, { cluster: 'prod' }).resolves({
    services: [
      {
        serviceName: 'web',
        taskDefinition: 'web:1',
        loadBalancers: [{ targetGroupArn: TG('web'), containerName: 'app', containerPort: 80 }],
      },
      {
        serviceName: 'api',
        taskDefinition: 'api:1',
        networkConfiguration: { awsvpcConfiguration: { subnets: [], securityGroups: ['sg-api'] } },
      },
      { serviceName: 'old', status: 'INACTIVE' },
    ],
  });
  ecs.on(ListServicesCommand, { cluster: 'prod' }).resolves({
    serviceArns: ['web', 'api', 'old'].map((name) => `arn:aws:ecs:us-east-1:111122223333:service/prod/${name}`),
  });
  ecs.on(ListServicesCommand, { cluster: 'broken' }).rejects(new Error('cluster not found'));
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'web:1' }).resolves({
    taskDefinition: {
      networkMode: 'bridge',
      containerDefinitions: [{ name: 'app', portMappings: [{ containerPort: 80 }] }],
    },
  });
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: 'api:1' })
    .resolves({ taskDefinition: { networkMode: 'awsvpc' } });
  ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: ['ci-1'] });
  ecs.on(DescribeContainerInstancesCommand).resolves({ containerInstances: [{ ec2InstanceId: 'i-1' }, {}] });
  ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [{ Instances: [{ SecurityGroups: [{ GroupId: 'sg-hosts' }, { GroupId: 'sg-hosts' }, {}] }] }],
  });
  ec2.on(DescribeSecurityGroupsCommand).resolves({});
  autoScaling.on(DescribeScalableTargetsCommand).resolves({});
  autoScaling.on(DescribeScalingPoliciesCommand).resolves({});
  elbv2.on(DescribeTargetGroupsCommand).rejects(new Error('One or more target groups not found'));
  elbv2.on(DescribeTargetGroupAttributesCommand).resolves({});
  elbv2.on(DescribeLoadBalancersCommand).resolves({});
  elbv2.on(DescribeListenersCommand).resolves({});
});

describe('observeAudit', () => {
  it('reads every service of the clusters asked for, a bridge service with its instances’ security groups', async () => {
    // Act
    const read = await observeAudit({ clients, region, now: NOW, scope: { clusters: ['prod'] }, config });

    // Assess
    expect(
      read.observation.services.map((s) => [s.serviceName, s.networkMode, s.taskSecurityGroupIds, s.scaledByAutopilot]),
    ).toEqual([
      ['web', 'bridge', ['sg-hosts'], true],
      ['api', 'awsvpc', ['sg-api'], false],
    ]);
    expect(ecs.commandCalls(ListClustersCommand)).toHaveLength(0);
    expect(ecs.commandCalls(ListContainerInstancesCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input.GroupIds).toEqual(['sg-hosts', 'sg-api']);
  });

  it('names what it could not read, a cluster or a target group, and audits the rest', async () => {
    // Act
    const read = await observeAudit({ clients, region, now: NOW, scope: { clusters: ['broken', 'prod'] }, config });

    // Assess
    expect(read.notAudited).toEqual([
      'cluster broken: cluster not found',
      'target group web: One or more target groups not found',
    ]);
    expect(read.observation.services).toHaveLength(2);
  });

  it("takes the enabled canaries' rules and target groups from the config, and the time and region of the run", async () => {
    // Act
    const read = await observeAudit({ clients, region, now: NOW, scope: { clusters: ['prod'] }, config });

    // Assess
    expect(read.observation).toMatchObject({
      region,
      now: '2026-11-26T06:00:00.000Z',
      canaryRuleArns: [RULE],
      canaryTargetGroupArns: [TG('web'), TG('web-green')],
    });
  });

  it('scales nothing by ecs-autopilot and knows no canary without a config', async () => {
    // Act
    const read = await observeAudit({ clients, region, now: NOW, scope: { clusters: ['prod'] } });

    // Assess
    expect(read.observation.services.map((s) => s.scaledByAutopilot)).toEqual([false, false]);
    expect([read.observation.canaryRuleArns, read.observation.canaryTargetGroupArns]).toEqual([[], []]);
  });

  it('lists the clusters of the account when none is asked for', async () => {
    // Prepare
    ecs.on(ListClustersCommand).resolves({ clusterArns: ['arn:aws:ecs:us-east-1:111122223333:cluster/prod'] });

    // Act
    const read = await observeAudit({ clients, region, now: NOW, scope: {}, config });

    // Assess
    expect(read.observation.services.map((s) => s.clusterName)).toEqual(['prod', 'prod']);
  });
});
