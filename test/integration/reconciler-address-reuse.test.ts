import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DeregisterTargetsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import type { AwsCall } from '#local/moto-proxy.js';
import { stampStoppedTasks, takeAddressAt } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { provisionWorld, targetsOf, type World, type WorldTask } from '#local/world.js';
import { provisionSharingService } from '#local/world-sharing.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = 'version: 1\nclusters: [{ name: prod, services: [{ name: web }] }]\n';

/** A sweep taking a target group's lease: the moment between its observation and its write. */
const leaseTaken = (call: AwsCall) =>
  call.service === 'dynamodb' && call.body.toString('utf8').includes('lease/membership');

describe("Function: reconciler, when a new task takes an orphan's address", () => {
  let world: World;
  let orphaned: WorldTask;
  let newcomer: WorldTask;
  let targetGroupArn: string;

  beforeEach(async () => {
    // An orphan (its task stopped an hour ago, its target left registered) and a task ECS is about to start, whose
    // target ECS will register at the address it gets: the orphan's, already registered.
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 4 }] });
    const web = world.services.web;
    if (!web?.tasks[0] || !web.tasks[3] || !web.targetGroupArns[0]) throw new Error('web needs 4 tasks, 1 group');
    [orphaned, newcomer, targetGroupArn] = [web.tasks[0], web.tasks[3], web.targetGroupArns[0]];
    const ecs = new ECSClient({ endpoint, region: world.region });
    await ecs.send(
      new StopTaskCommand({ cluster: 'prod', task: orphaned.taskArn, reason: 'Essential container exited' }),
    );
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000), [orphaned.taskArn]);
    const elbv2 = new ElasticLoadBalancingV2Client({ endpoint, region: world.region });
    await elbv2.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: targetGroupArn,
        Targets: [{ Id: newcomer.ip, Port: newcomer.port }],
      }),
    );
    takeAddressAt(proxy, newcomer.taskArn, orphaned.ip, leaseTaken);
  });

  const registered = async () => (await targetsOf(world, targetGroupArn)).map((t) => `${t.id}:${t.port}`).sort();

  /**
   * Service admin, sharing web's group (with `tags`), and a task of it about to get the orphan's address when the
   * sweep takes the lease; its ARN. The proxy starts afresh with the orphan's stop time and that address change.
   */
  async function adminTakesTheAddress(tags: Record<string, string> = {}): Promise<string> {
    const admin = await provisionSharingService(world, 'admin', 'web', { tags, register: false });
    const adminTask = admin.tasks[0]?.taskArn as string;
    proxy.reset();
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000), [orphaned.taskArn]);
    takeAddressAt(proxy, adminTask, orphaned.ip, leaseTaken);
    return adminTask;
  }

  it('keeps the target and says why when the task took the address after the sweep read, before it wrote', async () => {
    // Prepare
    const target = `${orphaned.ip}:${orphaned.port}`;
    const before = await registered();
    const { react: sweep, awsCalls } = await coldContainer(world, 'reconciler', CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess: planned as an orphan, kept once a task of the service was found holding its address under the lease
    expect(before).toContain(target);
    expect(await registered()).toEqual(before);
    expect(run.audit).toMatchObject([{ outcome: 'already-done', kept: [{ target, why: expect.any(String) }] }]);
    expect(run.audit[0]?.kept?.[0]?.why).toContain(newcomer.taskArn.split('/').pop()?.slice(0, 8));
    expect(run.alert?.severity).toBe('warning');
    expect(run.alert?.title).toMatch(/1 orphan\(s\) kept: a task took their address/);
    expect(run.alert?.description).toContain(target);
    const calls = awsCalls.snapshot();
    expect([calls['ECS.ListTasks'], calls['ECS.DescribeTasks'], calls['ELBv2.DeregisterTargets']]).toEqual([
      3,
      3,
      undefined,
    ]);
  });

  it('keeps the target in both of two sweeps at once, each judging it again under its own lease', async () => {
    // Prepare
    const before = await registered();
    const first = await coldContainer(world, 'reconciler', CONFIG);
    const second = await coldContainer(world, 'reconciler', CONFIG);
    proxy.delay('elasticloadbalancing:DescribeTargetHealth', 200);

    // Act
    const runs = await Promise.all([first.react(scheduledEvent(world)), second.react(scheduledEvent(world))]);

    // Assess
    expect(await registered()).toEqual(before);
    expect(runs.flatMap((r) => r.audit.map((a) => a.outcome))).toEqual(['already-done', 'already-done']);
    expect(runs.flatMap((r) => r.audit.flatMap((a) => a.kept?.map((k) => k.target)))).toEqual([
      `${orphaned.ip}:${orphaned.port}`,
      `${orphaned.ip}:${orphaned.port}`,
    ]);
  });

  it('keeps the target when the task that took the address is of a service sharing the group that it does not sweep', async () => {
    // Prepare: admin shares web's group and carries the kill switch; its new task gets the orphan's address
    const adminTask = await adminTakesTheAddress({ 'ecs-autopilot:disabled': 'true' });
    const before = await registered();
    const config = 'version: 1\nclusters: [{ name: prod, services: [{ name: web }, { name: admin }] }]\n';
    const { react: sweep } = await coldContainer(world, 'reconciler', config);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess: planned on web's tasks alone, kept once admin's were read under the lease
    expect(await registered()).toEqual(before);
    expect(run.services.map((s) => s.serviceName)).toEqual(['web']);
    expect(run.audit[0]?.kept?.[0]?.why).toMatch(
      new RegExp(`^task ${adminTask.split('/').pop()?.slice(0, 8)} of admin`),
    );
  });

  it('keeps the target when the task that took the address is of a sharing service whose tasks it could not read', async () => {
    // Prepare: admin shares web's group and is swept too, but its running tasks cannot be read at first (both
    // attempts of the sweep's read fail); its new task gets the orphan's address.
    const adminTask = await adminTakesTheAddress();
    const params = (call: AwsCall) => (call.params ?? {}) as Record<string, unknown>;
    proxy.failWith5xx(
      (call) =>
        call.operation === 'ListTasks' &&
        params(call).serviceName === 'admin' &&
        params(call).desiredStatus === 'RUNNING',
      2,
    );
    const before = await registered();
    const config = 'version: 1\nclusters: [{ name: prod, services: [{ name: web }, { name: admin }] }]\n';
    const { react: sweep } = await coldContainer(world, 'reconciler', config);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess: admin named as not swept, and its tasks read again under the lease of the group it shares
    expect(run.notSwept).toEqual([expect.stringMatching(/^service prod\/admin: /)]);
    expect(await registered()).toEqual(before);
    expect(run.audit[0]?.kept?.[0]?.why).toMatch(
      new RegExp(`^task ${adminTask.split('/').pop()?.slice(0, 8)} of admin`),
    );
  });
});
