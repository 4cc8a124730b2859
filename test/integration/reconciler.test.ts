import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DeregisterTargetsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { deliverOutbox } from '#local/pipeline.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { membership, provisionWorld, receiveAlerts, targetsOf, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { RECONCILER_CONFIG } from '#test/support/reconciler-fixtures.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

describe('Function: reconciler', () => {
  let world: World;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 3, targetGroups: 2 },
        { name: 'api', tasks: 3 },
      ],
    });
  });

  const task = (service: string, i: number) =>
    world.services[service]?.tasks[i] as { taskArn: string; ip: string; port: number };

  /** A task that stopped while its targets stayed registered: what a lost event leaves behind. */
  async function orphan(service: string, i: number) {
    await ecs.send(
      new StopTaskCommand({
        cluster: 'prod',
        task: task(service, i).taskArn,
        reason: 'Essential container in task exited',
      }),
    );
  }

  it('deregisters an orphan whose task stopped past the grace period, and leaves everything else untouched', async () => {
    // Prepare
    await orphan('web', 1);
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000));
    const before = await membership(world);
    const { react: sweep, notifier, awsCalls } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));
    const calls = awsCalls.snapshot();
    await deliverOutbox(world, notifier);
    const alerts = await receiveAlerts(world);

    // Assess
    const after = await membership(world);
    const gone = `${task('web', 1).ip}:${task('web', 1).port}`;
    for (const [tg, targets] of Object.entries(before)) {
      expect(after[tg]).toEqual(targets.filter((t) => t !== gone));
    }
    expect(run.audit.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    // The sweep's 4 and 4, and under each group's lease web's tasks read again: no new task holds the orphan's address
    expect([calls['ECS.ListTasks'], calls['ECS.DescribeTasks']]).toEqual([4 + 2, 4 + 2]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.attributes).toMatchObject({ kind: 'reconciler/drift', severity: 'warning' });
    expect(v.parse(ChatbotNotificationSchema, alerts[0]?.message).content.title).toMatch(
      /reconciler: orphans deregistered in 2 target group\(s\)$/,
    );
  });

  it('leaves an orphan alone until its task has been stopped for the grace period', async () => {
    // Prepare
    await orphan('web', 1);
    stampStoppedTasks(proxy, new Date(Date.now() - 60_000));
    const before = await membership(world);
    const { react: sweep } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(await membership(world)).toEqual(before);
    expect(run.findings.youngOrphans).toHaveLength(2);
    expect(run.alert).toBeUndefined();
  });

  it('reports a running task missing from its target group without touching anything', async () => {
    // Prepare
    const elbv2 = new ElasticLoadBalancingV2Client({ endpoint, region: 'us-east-1' });
    const tg = world.services.api?.targetGroupArns[0] as string;
    await elbv2.send(
      new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: task('api', 0).ip, Port: 8080 }] }),
    );
    const { react: sweep } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(run.audit).toEqual([]);
    expect(run.findings.missingTasks).toEqual([
      expect.objectContaining({
        serviceName: 'api',
        target: `${task('api', 0).ip}:8080`,
        taskArn: task('api', 0).taskArn,
      }),
    ]);
    expect(run.alert?.title).toMatch(/1 task\(s\) missing from their target group/);
  });

  it('never removes the last registered target of a target group, even an orphan', async () => {
    // Prepare
    for (const i of [0, 1, 2]) await orphan('api', i);
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000));
    const { react: sweep } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(run.audit[0]).toMatchObject({ outcome: 'blocked', guard: { rule: 'never-empty' } });
    expect(await targetsOf(world, world.services.api?.targetGroupArns[0] as string)).toHaveLength(3);
    expect(run.alert?.severity).toBe('critical');
  });

  it('sends nothing and changes nothing when the world matches the config', async () => {
    // Prepare
    const before = await membership(world);
    const { react: sweep, awsCalls } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(await membership(world)).toEqual(before);
    expect(run.alert).toBeUndefined();
    expect(run.targetGroups).toBe(3);
    const calls = awsCalls.snapshot();
    expect(calls['ELBv2.DescribeTargetHealth']).toBe(3);
    expect(calls['ECS.DescribeServices']).toBe(1);
    expect([calls['ECS.ListTasks'], calls['ECS.DescribeTasks']]).toEqual([4, 2]);
    // Reads only: and of the state table, the one read of what earlier sweeps left waiting to be alerted
    expect(Object.keys(calls).filter((op) => !/\.(Describe|List)/.test(op))).toEqual(['DynamoDB.GetItem']);
    expect(calls['DynamoDB.GetItem']).toBe(1);
  });

  it('mutates nothing in dry-run', async () => {
    // Prepare
    await orphan('web', 1);
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000));
    const before = await membership(world);
    const { react: sweep } = await coldContainer(world, 'reconciler', `${RECONCILER_CONFIG}\ndryRun: true\n`);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(await membership(world)).toEqual(before);
    expect(run.audit.map((r) => r.outcome)).toEqual(['dry-run', 'dry-run']);
  });

  it('does not sweep on a schedule of another account or region, nor on one dated ahead of the clock', async () => {
    // Prepare
    await orphan('web', 1);
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000));
    const before = await membership(world);
    const { react: sweep, awsCalls } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);
    const foreign = { ...scheduledEvent(world), account: '999988887777' };
    const elsewhere = { ...scheduledEvent(world), region: 'eu-west-1' };
    const ahead = scheduledEvent(world, new Date(Date.now() + 3_600_000));

    // Act
    const runs = [await sweep(foreign), await sweep(elsewhere), await sweep(ahead)];

    // Assess: an hour ahead would make every stopped task look past its grace period
    expect(runs.map((r) => r.ignored)).toEqual([
      expect.stringMatching(/account 999988887777 is not ours/),
      expect.stringMatching(/region eu-west-1 is not ours/),
      expect.stringMatching(/^dated 3[56]\d\d s in the future/),
    ]);
    expect(awsCalls.total()).toBe(0);
    expect(await membership(world)).toEqual(before);
  });
});
