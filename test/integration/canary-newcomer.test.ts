import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
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
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, inject, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const endpoint = inject('motoEndpoint');
const TABLE = 'ecs-autopilot-newcomer-state';
const CLUSTER = 'newcomer';
const settings = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const ec2 = new EC2Client(settings);
const ecs = new ECSClient(settings);
const elbv2 = new ElasticLoadBalancingV2Client(settings);
const cloudwatch = new CloudWatchClient(settings);

/** Runs the CLI as a user would, against moto, and collects its output and exit code. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repo, 'bin', 'ecs-autopilot.mjs'), ...args], {
      cwd: repo,
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint, STATE_TABLE_NAME: TABLE, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** What the README's "Setting one up" asks for, built by hand: an ALB, a rule forwarding 100/0, two services. */
async function buildWorld() {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc?.VpcId as string;
  // moto's awsvpc RunTask needs DNS hostnames on the VPC and a security group.
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } }));
  const subnets: string[] = [];
  for (const [i, zone] of ['us-east-1a', 'us-east-1b'].entries()) {
    const out = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.9.${i}.0/24`, AvailabilityZone: zone }),
    );
    subnets.push(out.Subnet?.SubnetId as string);
  }
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'nc', Description: 'nc' })))
    .GroupId as string;
  const lb = (
    await elbv2.send(new CreateLoadBalancerCommand({ Name: 'newcomer', Subnets: subnets, SecurityGroups: [sg] }))
  ).LoadBalancers?.[0]?.LoadBalancerArn as string;
  const targetGroup = async (Name: string) =>
    (
      await elbv2.send(
        new CreateTargetGroupCommand({ Name, Protocol: 'HTTP', Port: 8080, VpcId: vpc, TargetType: 'ip' }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn as string;
  const blue = await targetGroup('nc-blue');
  const green = await targetGroup('nc-green');
  const listener = (
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
      }),
    )
  ).Listeners?.[0]?.ListenerArn as string;
  const rule = (
    await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listener,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/app/*'] }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 100 },
                { TargetGroupArn: green, Weight: 0 },
              ],
            },
          },
        ],
      }),
    )
  ).Rules?.[0]?.RuleArn as string;
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const register = async (image: string) =>
    (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'newcomer',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          // moto's RunTask also needs cpu and memory on each container.
          containerDefinitions: [
            { name: 'web', image, cpu: 256, memory: 512, portMappings: [{ containerPort: 8080 }] },
          ],
        }),
      )
    ).taskDefinition?.taskDefinitionArn as string;
  const current = await register('web:1');
  await register('web:2');
  const network = { awsvpcConfiguration: { subnets: [subnets[0] as string], securityGroups: [sg] } };
  for (const [serviceName, targetGroupArn, desiredCount] of [
    ['nc-blue', blue, 2],
    ['nc-green', green, 0],
  ] as const) {
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName,
        taskDefinition: current,
        desiredCount,
        launchType: 'FARGATE',
        networkConfiguration: network,
        loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 8080 }],
      }),
    );
  }
  // The gate alarm the config names, as the README shows it: a start refuses one that does not exist.
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      ...{ AlarmName: 'nc-5xx', Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count' },
      Dimensions: [{ Name: 'LoadBalancer', Value: lb.split(':loadbalancer/')[1] }],
      ...{ Statistic: 'Sum', Period: 60, EvaluationPeriods: 2, Threshold: 20, TreatMissingData: 'notBreaching' },
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  return { lb, rule, blue, green, network };
}

type World = Awaited<ReturnType<typeof buildWorld>>;

/** Moto starts no task: run `count` of the service's task definition and register them, as ECS would. */
async function runTasks(world: World, service: string, targetGroupArn: string, count: number) {
  const described = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }));
  const run = await ecs.send(
    new RunTaskCommand({
      cluster: CLUSTER,
      taskDefinition: described.services?.[0]?.taskDefinition,
      count,
      launchType: 'FARGATE',
      networkConfiguration: world.network,
      group: `service:${service}`,
    }),
  );
  const ips = (run.tasks ?? []).map(
    (t) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value as string,
  );
  await elbv2.send(
    new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: ips.map((Id) => ({ Id, Port: 8080 })) }),
  );
}

/** One minute of ALB metrics for a target group, with the dimensions the README names. */
async function putMinute(world: World, targetGroupArn: string, at: string, requests: number, errors: number) {
  const Dimensions = [
    { Name: 'LoadBalancer', Value: world.lb.split(':loadbalancer/')[1] },
    { Name: 'TargetGroup', Value: targetGroupArn.split(':').pop() },
  ];
  const Timestamp = new Date(at);
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/ApplicationELB',
      MetricData: [
        { MetricName: 'RequestCount', Dimensions, Timestamp, Value: requests, Unit: 'Count' },
        { MetricName: 'HTTPCode_Target_5XX_Count', Dimensions, Timestamp, Value: errors, Unit: 'Count' },
        { MetricName: 'TargetResponseTime', Dimensions, Timestamp, Value: 0.1, Unit: 'Seconds' },
      ],
    }),
  );
}

/** The config as the README's "Setting one up" shows it, with the world's ARNs. */
function writeReadmeConfig(world: World): string {
  const file = join(mkdtempSync(join(tmpdir(), 'canary-newcomer-')), 'ecs-autopilot.yml');
  writeFileSync(
    file,
    `version: 1
clusters:
  - name: ${CLUSTER}
    services:
      - name: "*"
canaries:
  - name: web
    cluster: ${CLUSTER}
    ruleArn: ${world.rule}
    sides:
      - { service: nc-blue, targetGroupArn: ${world.blue} }
      - { service: nc-green, targetGroupArn: ${world.green} }
    steps: [50, 100]
    bakeMinutes: 1
    gateAlarms: [nc-5xx]
    judge:
      kind: threshold
      minRequests: 100
      maxErrorRate: 0.01
      maxErrorRateIncrease: 0.005
      maxLatencyRatio: 1.5
    minCanaryTasks: 1
    scaleDownDelaySeconds: 60
`,
  );
  return file;
}

describe('CLI: a canary set up from the README alone (on moto)', () => {
  it('takes a release from start to 100 % over ticks with metrics, and status --json prints its state', async () => {
    // Prepare
    const world = await buildWorld();
    await runTasks(world, 'nc-blue', world.blue, 2);
    const config = writeReadmeConfig(world);
    const tick = (now: string) => cli('canary', 'tick', '--now', now, '--json', '-c', config);
    const decisionOf = async (now: string) => JSON.parse((await tick(now)).stdout)[0].decision as string;

    // Act
    const table = await cli('state-table', 'create');
    const start = await cli('canary', 'start', 'web', '--task-definition', 'newcomer:2', '-c', config);
    const prepare = await decisionOf('2026-11-26T10:00:30Z');
    await runTasks(world, 'nc-green', world.green, 1);
    const first = await decisionOf('2026-11-26T10:01:30Z');
    for (const minute of ['10:02', '10:03']) {
      await putMinute(world, world.green, `2026-11-26T${minute}:00Z`, 200, 0);
      await putMinute(world, world.blue, `2026-11-26T${minute}:00Z`, 200, 1);
    }
    const grow = await decisionOf('2026-11-26T10:04:00Z');
    await runTasks(world, 'nc-green', world.green, 1);
    const last = await decisionOf('2026-11-26T10:04:30Z');
    const status = await cli('canary', 'status', 'web', '--json', '--now', '2026-11-26T10:05:00Z', '-c', config);

    // Assess
    expect(table.status, table.stderr).toBe(0);
    expect(start.status, start.stderr).toBe(0);
    expect([prepare, first, grow, last]).toEqual(['hold', 'start', 'hold', 'complete']);
    expect(status.status, status.stderr).toBe(0);
    const view = JSON.parse(status.stdout);
    expect(view).toMatchObject({
      name: 'web',
      phase: 'done',
      stepPercent: 100,
      canary: { service: 'nc-green', weight: 100, healthyTargets: 2 },
      stable: { service: 'nc-blue', weight: 0 },
      timeInStepSeconds: 30,
    });
    expect(view.canary.taskDefinition).toMatch(/task-definition\/newcomer:2$/);
    expect(view.history.map((h: { to: string }) => h.to)).toEqual(['pending', 'ramping', 'ramping', 'done']);
  });

  it('lists the config, endpoint, table and --json options in every canary subcommand help, and answers --json', async () => {
    // Prepare
    const subcommands = ['list', 'status', 'start', 'pause', 'resume', 'promote', 'abort', 'tick'];

    // Act
    const helps = await Promise.all(subcommands.map((s) => cli('canary', s, '--help')));
    const tableHelp = await cli('state-table', 'create', '--help');
    const table = await cli('state-table', 'create', '--json');

    // Assess
    for (const [i, help] of helps.entries()) {
      expect(help.status, subcommands[i]).toBe(0);
      for (const option of ['--config <file>', '--endpoint <url>', '--table <name>', '--json']) {
        expect(help.stdout, `canary ${subcommands[i]} --help`).toContain(option);
      }
    }
    expect(tableHelp.stdout).toContain('--json');
    expect(table.status, table.stderr).toBe(0);
    expect(JSON.parse(table.stdout)).toEqual({ table: TABLE, ready: true });
  });
});
