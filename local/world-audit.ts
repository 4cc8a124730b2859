/**
 * An audit's test world: `hardenForAudit` turns a provisioned world into a correct setup (tuned health checks, a
 * short drain, security group rules from the load balancer, HTTPS with a redirect, a current TLS policy, a weighted
 * canary rule, scaling within bounds), and `seedAuditMistakes` then makes one mistake per check, each by the real API
 * call a person would make. What moto does not model is answered by {@link recordAuditAnswers}.
 */
import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { AuthorizeSecurityGroupIngressCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { CreateServiceCommand } from '@aws-sdk/client-ecs';
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { clients, REGION, required } from './world-clients.js';
import type { World, WorldService } from './world-types.js';

export { type RecordedServiceSettings, recordAuditAnswers } from './world-audit-recordings.js';

/** What hardening added to the world. */
export interface AuditWorld {
  world: World;
  certificateArn: string;
  httpsListenerArn: string;
  /** `/web/*` split 90/10 between web's two target groups: the canary. */
  canaryRuleArn: string;
  apiRuleArn: string;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const extraClients = (endpoint: string) => ({
  acm: new ACMClient({ endpoint, region: REGION, credentials }),
  autoScaling: new ApplicationAutoScalingClient({ endpoint, region: REGION, credentials }),
});

const service = (world: World, name: string): WorldService => required(world.services[name], `service ${name}`);
const resourceId = (world: World, name: string) => `service/${world.clusterName}/${name}`;

/** Tunes every target group the way a careful team would: a health path, 10 s × 3, a 30 s drain. */
async function tuneTargetGroup(endpoint: string, targetGroupArn: string): Promise<void> {
  const { elbv2 } = clients(endpoint);
  await elbv2.send(
    new ModifyTargetGroupCommand({
      TargetGroupArn: targetGroupArn,
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 10,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 2,
    }),
  );
  await elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: targetGroupArn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    }),
  );
}

/** Makes the world a correct setup: the audit finds nothing in it. Needs services `web` (two target groups) and `api`. */
export async function hardenForAudit(world: World): Promise<AuditWorld> {
  const { endpoint } = world;
  const { ec2, elbv2 } = clients(endpoint);
  const { acm, autoScaling } = extraClients(endpoint);
  const web = service(world, 'web');
  const api = service(world, 'api');
  for (const group of Object.values(world.services).flatMap((s) => s.targetGroupArns)) {
    await tuneTargetGroup(endpoint, group);
  }
  // The load balancer and the tasks share one security group here: the rules let that group in on each port.
  for (const port of new Set(Object.values(world.services).map((s) => s.containerPort))) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: world.securityGroupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: world.securityGroupId }] },
        ],
      }),
    );
  }
  const certificateArn = required(
    (await acm.send(new RequestCertificateCommand({ DomainName: 'web.example.com', ValidationMethod: 'DNS' })))
      .CertificateArn,
    'CertificateArn',
  );
  await elbv2.send(
    new ModifyListenerCommand({
      ListenerArn: world.listenerArn,
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    }),
  );
  const https = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: world.loadBalancerArn,
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: certificateArn }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: web.targetGroupArns[0] }],
    }),
  );
  const httpsListenerArn = required(https.Listeners?.[0]?.ListenerArn, 'ListenerArn');
  const rule = async (priority: number, path: string, groups: Array<[string | undefined, number]>) =>
    required(
      (
        await elbv2.send(
          new CreateRuleCommand({
            ListenerArn: httpsListenerArn,
            Priority: priority,
            Conditions: [{ Field: 'path-pattern', Values: [path] }],
            Actions: [
              {
                Type: 'forward',
                ForwardConfig: {
                  TargetGroups: groups.map(([arn, weight]) => ({
                    TargetGroupArn: required(arn, 'group'),
                    Weight: weight,
                  })),
                },
              },
            ],
          }),
        )
      ).Rules?.[0]?.RuleArn,
      'RuleArn',
    );
  const canaryRuleArn = await rule(10, '/web/*', [
    [web.targetGroupArns[0], 90],
    [web.targetGroupArns[1], 10],
  ]);
  const apiRuleArn = await rule(20, '/api/*', [[api.targetGroupArns[0], 1]]);
  for (const name of ['web', 'api']) {
    await autoScaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: resourceId(world, name),
        MinCapacity: 1,
        MaxCapacity: 10,
      }),
    );
  }
  return { world, certificateArn, httpsListenerArn, canaryRuleArn, apiRuleArn };
}

/** Each mistake the audit looks for, made on a hardened world; returns the name of the service check 1 adds. */
export async function seedAuditMistakes(hardened: AuditWorld): Promise<{ misroutedService: string }> {
  const { world } = hardened;
  const { endpoint } = world;
  const { ec2, ecs, elbv2 } = clients(endpoint);
  const { autoScaling } = extraClients(endpoint);
  const web = service(world, 'web');
  const api = service(world, 'api');
  const apiGroup = required(api.targetGroupArns[0], 'api target group');

  // 1. a service whose load balancer entry names a port its container does not map
  const orders = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: 'orders-tg1',
      Protocol: 'HTTP',
      Port: 9090,
      VpcId: world.vpcId,
      TargetType: 'ip',
    }),
  );
  const ordersGroup = required(orders.TargetGroups?.[0]?.TargetGroupArn, 'TargetGroupArn');
  await tuneTargetGroup(endpoint, ordersGroup);
  await ecs.send(
    new CreateServiceCommand({
      cluster: world.clusterName,
      serviceName: 'orders',
      taskDefinition: web.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: world.subnetIds, securityGroups: [world.securityGroupId] },
      },
      loadBalancers: [{ targetGroupArn: ordersGroup, containerName: 'app', containerPort: 9090 }],
    }),
  );
  // 2. api's target group back on ELB's default health check (its grace period is recorded as 60 s: too short)
  await elbv2.send(
    new ModifyTargetGroupCommand({
      TargetGroupArn: apiGroup,
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 30,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
    }),
  );
  // 3. the rule that let the load balancer reach api's port removed
  await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: world.securityGroupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: api.containerPort,
          ToPort: api.containerPort,
          UserIdGroupPairs: [{ GroupId: world.securityGroupId }],
        },
      ],
    }),
  );
  // 4. api's target group draining for ELB's default 300 s
  await elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: apiGroup,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '300' }],
    }),
  );
  // 5. plain HTTP served again, and an HTTPS policy that allows TLS 1.0 (the certificate's expiry is recorded)
  await elbv2.send(
    new ModifyListenerCommand({
      ListenerArn: world.listenerArn,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: web.targetGroupArns[0] }],
    }),
  );
  await elbv2.send(
    new ModifyListenerCommand({ ListenerArn: hardened.httpsListenerArn, SslPolicy: 'ELBSecurityPolicy-2016-08' }),
  );
  // 6. stickiness on the canary's target group, and the canary rule also in a CloudFormation stack (in AWS only
  // CloudFormation writes aws: tags; moto lets a test write it; ECS's LINEAR strategy on the rule is recorded)
  await elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: required(web.targetGroupArns[1], 'web target group 2'),
      Attributes: [
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
      ],
    }),
  );
  await elbv2.send(
    new AddTagsCommand({
      ResourceArns: [hardened.canaryRuleArn],
      Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'web-stack' }],
    }),
  );
  // 7. api's bounds below its desired count, and a target tracking policy on web, which ecs-autopilot also scales
  await autoScaling.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: resourceId(world, 'api'),
      MinCapacity: 1,
      MaxCapacity: Math.max(1, api.tasks.length - 1),
    }),
  );
  await autoScaling.send(
    new PutScalingPolicyCommand({
      PolicyName: 'web-cpu-target-tracking',
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: resourceId(world, 'web'),
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 60,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      },
    }),
  );
  return { misroutedService: 'orders' };
}
