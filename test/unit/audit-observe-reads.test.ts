import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeSSLPoliciesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  observeCertificates,
  observeSecurityGroups,
  observeSslPolicies,
  observeTargetGroups,
} from '#shared/audit/observe-load-balancers.js';
import { observeScaling } from '#shared/audit/observe-services.js';

const region = 'us-east-1';
const clients = {
  elbv2: new ElasticLoadBalancingV2Client({ region }),
  ec2: new EC2Client({ region }),
  acm: new ACMClient({ region }),
  autoScaling: new ApplicationAutoScalingClient({ region }),
};
const elbv2 = mockClient(clients.elbv2);
const ec2 = mockClient(clients.ec2);
const acm = mockClient(clients.acm);
const autoScaling = mockClient(clients.autoScaling);
const TG = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${name}/0123456789abcdef`;

beforeEach(() => {
  for (const mock of [elbv2, ec2, acm, autoScaling]) mock.reset();
});

describe('observeTargetGroups', () => {
  it("takes ELB's defaults for what a target group does not report, and stickiness only when it is 'true'", async () => {
    // Prepare
    elbv2
      .on(DescribeTargetGroupsCommand)
      .resolves({ TargetGroups: [{ TargetGroupArn: TG('web'), TargetGroupName: 'web' }] });
    elbv2
      .on(DescribeTargetGroupAttributesCommand)
      .resolves({ Attributes: [{ Key: 'stickiness.enabled', Value: 'false' }] });

    // Act
    const groups = await observeTargetGroups(clients.elbv2, [TG('web')], () => undefined);

    // Assess
    expect(groups).toEqual({
      [TG('web')]: {
        arn: TG('web'),
        name: 'web',
        healthCheckIntervalSeconds: 30,
        healthyThreshold: 5,
        unhealthyThreshold: 2,
        deregistrationDelaySeconds: 300,
        stickinessEnabled: false,
        loadBalancerArns: [],
      },
    });
  });

  it('reads the health check, port, drain time and stickiness a target group reports', async () => {
    // Prepare
    elbv2.on(DescribeTargetGroupsCommand).resolves({
      TargetGroups: [
        {
          TargetGroupArn: TG('web'),
          TargetGroupName: 'web',
          Port: 8080,
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 10,
          HealthyThresholdCount: 3,
          UnhealthyThresholdCount: 4,
          LoadBalancerArns: ['lb-1'],
        },
      ],
    });
    elbv2.on(DescribeTargetGroupAttributesCommand, { TargetGroupArn: TG('web') }).resolves({
      Attributes: [
        { Key: 'deregistration_delay.timeout_seconds', Value: '20' },
        { Key: 'stickiness.enabled', Value: 'true' },
      ],
    });

    // Act
    const groups = await observeTargetGroups(clients.elbv2, [TG('web')], () => undefined);

    // Assess
    expect(groups[TG('web')]).toEqual({
      arn: TG('web'),
      name: 'web',
      port: 8080,
      healthCheckPath: '/health',
      healthCheckIntervalSeconds: 10,
      healthyThreshold: 3,
      unhealthyThreshold: 4,
      deregistrationDelaySeconds: 20,
      stickinessEnabled: true,
      loadBalancerArns: ['lb-1'],
    });
  });

  it('describes twenty a call, and reads a failed batch one by one to name the group it cannot read', async () => {
    // Prepare
    const arns = Array.from({ length: 21 }, (_, i) => TG(`g${i}`));
    const gone = new Error('One or more target groups not found');
    elbv2.on(DescribeTargetGroupsCommand).callsFake(({ TargetGroupArns }: { TargetGroupArns: string[] }) => {
      if (TargetGroupArns.includes(TG('g3'))) throw gone;
      return { TargetGroups: TargetGroupArns.map((arn) => ({ TargetGroupArn: arn })) };
    });
    elbv2.on(DescribeTargetGroupAttributesCommand).resolves({});
    const unreadable: Array<[string, unknown]> = [];

    // Act
    const groups = await observeTargetGroups(clients.elbv2, arns, (arn, error) => unreadable.push([arn, error]));

    // Assess
    const batches = elbv2.commandCalls(DescribeTargetGroupsCommand).map((c) => c.args[0].input.TargetGroupArns?.length);
    expect(batches).toEqual([20, ...Array(20).fill(1), 1]);
    expect(unreadable).toEqual([[TG('g3'), gone]]);
    expect(Object.keys(groups)).toEqual(arns.filter((arn) => arn !== TG('g3')));
  });
});

describe('observeSecurityGroups', () => {
  it('reads inbound rules with their ports, source groups and IPv4 and IPv6 ranges, all traffic when no protocol', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-tasks',
          GroupName: 'tasks',
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 8080,
              ToPort: 8081,
              UserIdGroupPairs: [{ GroupId: 'sg-alb' }, {}],
              IpRanges: [{ CidrIp: '10.0.0.0/16' }, {}],
              Ipv6Ranges: [{ CidrIpv6: '::/0' }, {}],
            },
            {},
          ],
        },
      ],
    });

    // Act
    const groups = await observeSecurityGroups(clients.ec2, ['sg-tasks']);

    // Assess
    expect(groups).toEqual({
      'sg-tasks': {
        id: 'sg-tasks',
        name: 'tasks',
        inbound: [
          { protocol: 'tcp', fromPort: 8080, toPort: 8081, groupIds: ['sg-alb'], cidrs: ['10.0.0.0/16', '::/0'] },
          { protocol: '-1', groupIds: [], cidrs: [] },
        ],
      },
    });
  });

  it('reads a hundred groups a call, and makes no call for none', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand).resolves({});
    const ids = Array.from({ length: 101 }, (_, i) => `sg-${i}`);

    // Act
    await observeSecurityGroups(clients.ec2, ids);
    await observeSecurityGroups(clients.ec2, []);

    // Assess
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.GroupIds?.length)).toEqual([
      100, 1,
    ]);
  });
});

describe('observeSslPolicies and observeCertificates', () => {
  it('reads the protocols of the policies in use in one call, and makes none without a policy', async () => {
    // Prepare
    elbv2
      .on(DescribeSSLPoliciesCommand)
      .resolves({ SslPolicies: [{ Name: 'old', SslProtocols: ['TLSv1'] }, { Name: 'bare' }] });

    // Act
    const none = await observeSslPolicies(clients.elbv2, []);
    const policies = await observeSslPolicies(clients.elbv2, ['old', 'bare']);

    // Assess
    expect([none, policies]).toEqual([{}, { old: ['TLSv1'], bare: [] }]);
    expect(elbv2.commandCalls(DescribeSSLPoliciesCommand)).toHaveLength(1);
  });

  it("reads when each ACM certificate expires, and leaves IAM's server certificates out", async () => {
    // Prepare
    const cert = 'arn:aws:acm:us-east-1:111122223333:certificate/abc';
    const bare = 'arn:aws:acm:us-east-1:111122223333:certificate/def';
    acm.on(DescribeCertificateCommand, { CertificateArn: cert }).resolves({
      Certificate: { DomainName: 'web.example.com', NotAfter: new Date('2027-01-02T03:04:05Z') },
    });
    acm.on(DescribeCertificateCommand, { CertificateArn: bare }).resolves({});

    // Act
    const certificates = await observeCertificates(clients.acm, [
      cert,
      bare,
      'arn:aws:iam::111122223333:server-certificate/old',
    ]);

    // Assess
    expect(certificates).toEqual({
      [cert]: { arn: cert, domainName: 'web.example.com', notAfter: '2027-01-02T03:04:05.000Z' },
      [bare]: { arn: bare },
    });
  });
});

describe('observeScaling', () => {
  it('reads the desired-count targets of the services, and the policies of those targets only', async () => {
    // Prepare
    autoScaling.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: [
        {
          ResourceId: 'service/prod/web',
          ScalableDimension: 'ecs:service:DesiredCount',
          MinCapacity: 2,
          MaxCapacity: 10,
        } as never,
        { ResourceId: 'service/prod/api', ScalableDimension: 'ecs:service:DesiredCount' } as never,
        { ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1 } as never,
        { ResourceId: 'service/prod/other', ScalableDimension: 'other:dimension', MinCapacity: 1 } as never,
      ],
    });
    autoScaling.on(DescribeScalingPoliciesCommand).resolves({
      ScalingPolicies: [
        { ResourceId: 'service/prod/web', PolicyName: 'cpu' } as never,
        { ResourceId: 'service/prod/web', PolicyName: 'requests' } as never,
        { ResourceId: 'service/prod/web' } as never,
        { ResourceId: 'service/prod/elsewhere', PolicyName: 'cpu' } as never,
        { PolicyName: 'orphan' } as never,
      ],
    });

    // Act
    const scaling = await observeScaling(clients.autoScaling, ['service/prod/web', 'service/prod/api']);

    // Assess
    expect(Object.fromEntries(scaling.targets)).toEqual({
      'service/prod/web': { minCapacity: 2, maxCapacity: 10 },
      'service/prod/api': { minCapacity: 0, maxCapacity: 0 },
    });
    expect(Object.fromEntries(scaling.policies)).toEqual({ 'service/prod/web': ['cpu', 'requests'] });
    expect(autoScaling.commandCalls(DescribeScalableTargetsCommand)[0]?.args[0].input).toEqual({
      ServiceNamespace: 'ecs',
      ResourceIds: ['service/prod/web', 'service/prod/api'],
    });
  });

  it('reads no policy when no service has a scalable target, and fifty services a call', async () => {
    // Prepare
    autoScaling.on(DescribeScalableTargetsCommand).resolves({});
    const ids = Array.from({ length: 51 }, (_, i) => `service/prod/s${i}`);

    // Act
    const scaling = await observeScaling(clients.autoScaling, ids);

    // Assess
    expect(scaling.targets.size).toBe(0);
    expect(autoScaling.commandCalls(DescribeScalingPoliciesCommand)).toHaveLength(0);
    expect(
      autoScaling.commandCalls(DescribeScalableTargetsCommand).map((c) => c.args[0].input.ResourceIds?.length),
    ).toEqual([50, 1]);
  });
});
