import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ensureStateTable, StateStore } from '#shared/state/index.js';
import { putGateAlarm } from './gate-alarm.js';
import { provisionWorld, type World } from './world.js';

/** A world for canaries: `web-blue` (stable, all the weight) and `web-green` (idle) behind one listener rule. */
export interface CanaryWorld extends World {
  ruleArn: string;
  /** The canary's forward action: the rule, or the default action of a listener of its own (port 8080). */
  actionArn: string;
  blueTargetGroupArn: string;
  greenTargetGroupArn: string;
  /** A third target group in the rule's forward action, with weight, that a canary must leave alone. */
  legacyTargetGroupArn?: string;
  /** The release's task definition for the green side. */
  newTaskDefinitionArn: string;
  loadBalancerDimension: string;
  stateTableName: string;
}

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Plain SDK clients for a moto (or proxy) endpoint. */
export function canaryClients(endpoint: string) {
  const config = { endpoint, region: REGION, credentials, maxAttempts: 2 };
  const dynamodb = new DynamoDBClient(config);
  return {
    ecs: new ECSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    cloudwatch: new CloudWatchClient(config),
    autoScaling: new ApplicationAutoScalingClient(config),
    dynamodb,
  };
}

/**
 * Builds the world: 4 blue tasks, no green task, a rule on /app/* forwarding 100/0 with stickiness on. With
 * `forwardOn: 'listener'` a second listener's default action forwards the same way and is the canary's action; the
 * rule stays as a neighbour the canary must not touch.
 */
export async function provisionCanaryWorld(
  endpoint: string,
  options: { blueTasks?: number; legacyWeight?: number; stateTableName?: string; forwardOn?: 'rule' | 'listener' } = {},
): Promise<CanaryWorld> {
  const world = await provisionWorld(endpoint, {
    services: [
      { name: 'web-blue', tasks: options.blueTasks ?? 4 },
      { name: 'web-green', tasks: 0 },
    ],
  });
  const { elbv2, ecs, dynamodb } = canaryClients(endpoint);
  const blue = world.services['web-blue']?.targetGroupArns[0] as string;
  const green = world.services['web-green']?.targetGroupArns[0] as string;
  let legacy: string | undefined;
  if (options.legacyWeight !== undefined) {
    const tg = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: 'web-legacy',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: world.vpcId,
        TargetType: 'ip',
      }),
    );
    legacy = tg.TargetGroups?.[0]?.TargetGroupArn as string;
  }
  const forward = {
    Type: 'forward' as const,
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: blue, Weight: 100 },
        { TargetGroupArn: green, Weight: 0 },
        ...(legacy ? [{ TargetGroupArn: legacy, Weight: options.legacyWeight }] : []),
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
    },
  };
  const rule = await elbv2.send(
    new CreateRuleCommand({
      ListenerArn: world.listenerArn,
      Priority: 10,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/app/*'] } }],
      Actions: [forward],
    }),
  );
  const ruleArn = rule.Rules?.[0]?.RuleArn as string;
  const listener =
    options.forwardOn === 'listener'
      ? await elbv2.send(
          new CreateListenerCommand({
            LoadBalancerArn: world.loadBalancerArn,
            Protocol: 'HTTP',
            Port: 8080,
            DefaultActions: [forward],
          }),
        )
      : undefined;
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web-green',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/example/web:v2',
          cpu: 256,
          memory: 512,
          essential: true,
          portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        },
      ],
    }),
  );
  const stateTableName = options.stateTableName ?? 'ecs-autopilot-canary-state';
  await ensureStateTable(dynamodb, stateTableName);
  return {
    ...world,
    ruleArn,
    actionArn: listener?.Listeners?.[0]?.ListenerArn ?? ruleArn,
    blueTargetGroupArn: blue,
    greenTargetGroupArn: green,
    ...(legacy ? { legacyTargetGroupArn: legacy } : {}),
    newTaskDefinitionArn: td.taskDefinition?.taskDefinitionArn as string,
    loadBalancerDimension: world.loadBalancerArn.split(':loadbalancer/')[1] as string,
    stateTableName,
  };
}

/** The state store of a canary world (through the endpoint given: the proxy makes conditional writes atomic). */
export function canaryStore(world: CanaryWorld, endpoint = world.endpoint): StateStore {
  return new StateStore({ client: canaryClients(endpoint).dynamodb, tableName: world.stateTableName });
}

/**
 * What ECS and ELB would do on their own (moto does neither): start tasks up to each service's desired count and
 * register them in its target group, stop and deregister the ones above it.
 */
export async function settleServices(world: CanaryWorld): Promise<Record<string, number>> {
  const { ecs, elbv2 } = canaryClients(world.endpoint);
  const counts: Record<string, number> = {};
  for (const [name, targetGroupArn] of [
    ['web-blue', world.blueTargetGroupArn],
    ['web-green', world.greenTargetGroupArn],
  ] as const) {
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: [name] })))
      .services?.[0];
    const desired = service?.desiredCount ?? 0;
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    const registered = (health.TargetHealthDescriptions ?? []).map((d) => ({
      Id: d.Target?.Id as string,
      Port: d.Target?.Port as number,
    }));
    if (registered.length < desired) {
      const run = await ecs.send(
        new RunTaskCommand({
          cluster: world.clusterName,
          taskDefinition: service?.taskDefinition,
          count: desired - registered.length,
          launchType: 'FARGATE',
          group: `service:${name}`,
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: world.subnetIds,
              securityGroups: [world.securityGroupId],
              assignPublicIp: 'DISABLED',
            },
          },
        }),
      );
      const ips = (run.tasks ?? []).map(
        (t) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value as string,
      );
      await elbv2.send(
        new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: ips.map((Id) => ({ Id, Port: 8080 })) }),
      );
    } else if (registered.length > desired) {
      await elbv2.send(
        new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: registered.slice(desired) }),
      );
    }
    counts[name] = desired;
  }
  return counts;
}

/** One minute of ALB metrics for a target group, as CloudWatch would hold them. */
export async function putMinute(
  world: CanaryWorld,
  targetGroupArn: string,
  at: string,
  minute: { requests: number; errors: number; latencySeconds: number },
): Promise<void> {
  const { cloudwatch } = canaryClients(world.endpoint);
  const dimensions = [
    { Name: 'LoadBalancer', Value: world.loadBalancerDimension },
    { Name: 'TargetGroup', Value: targetGroupArn.split(':').slice(5).join(':') },
  ];
  const timestamp = new Date(at);
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/ApplicationELB',
      MetricData: [
        {
          MetricName: 'RequestCount',
          Dimensions: dimensions,
          Timestamp: timestamp,
          Value: minute.requests,
          Unit: 'Count',
        },
        {
          MetricName: 'HTTPCode_Target_5XX_Count',
          Dimensions: dimensions,
          Timestamp: timestamp,
          Value: minute.errors,
          Unit: 'Count',
        },
        {
          MetricName: 'TargetResponseTime',
          Dimensions: dimensions,
          Timestamp: timestamp,
          Value: minute.latencySeconds,
          Unit: 'Seconds',
        },
      ],
    }),
  );
}

/** A gate alarm in the given state (moto never evaluates alarms: the state is set). */
export async function gateAlarm(world: CanaryWorld, name: string, state: 'OK' | 'ALARM'): Promise<void> {
  await putGateAlarm(canaryClients(world.endpoint).cloudwatch, name, state);
}

/** The canary web of this world as a YAML list item; `placement` adds keys after its cluster, `judge` null omits it. */
export function canaryEntryYaml(world: CanaryWorld, judge: string | null, placement = ''): string {
  return `  - name: web
    cluster: ${world.clusterName}${placement}
    ${world.actionArn === world.ruleArn ? 'ruleArn' : 'listenerArn'}: ${world.actionArn}
    sides:
      - { service: web-blue, targetGroupArn: ${world.blueTargetGroupArn} }
      - { service: web-green, targetGroupArn: ${world.greenTargetGroupArn} }
    bakeMinutes: 2
    scaleDownDelaySeconds: 60
    gateAlarms: [web-5xx]
${judge === null ? '' : `    judge: ${judge}\n`}`;
}

/** The canary config for this world, as YAML a user would write; `judge` null leaves the default judge. */
export function canaryConfigYaml(
  world: CanaryWorld,
  extra = '',
  judge: string | null = '{ minRequests: 100 }',
): string {
  return `version: 1
clusters:
  - name: ${world.clusterName}
    services: [{ name: web-blue }, { name: web-green }]
canaries:
${canaryEntryYaml(world, judge)}${extra}`;
}
