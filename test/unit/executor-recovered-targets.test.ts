import { DescribeTasksCommand, ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DeregisterTargetsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { actionKey, type StopTaskAction } from '#shared/executor/actions.js';
import { stopTask } from '#shared/executor/kinds/ecs.js';
import { deregisterTargets } from '#shared/executor/kinds/elbv2.js';
import { action, elbv2, elbv2Mock, executor } from '#test/support/executor.js';
import { memoryLeaseStore } from '#test/support/leases.js';

const ecs = new ECSClient({ region: 'us-east-1' });
const ecsMock = mockClient(ecs);

/** A four-target group read under the lease: `states` by target id, every other target healthy. */
function groupReads(states: Record<string, string>) {
  const ids = ['10.0.1.17', '10.0.1.18', '10.0.1.19', '10.0.1.20'];
  elbv2Mock.on(DescribeTargetHealthCommand).resolves({
    TargetHealthDescriptions: ids.map((id) => ({
      Target: { Id: id, Port: 8080 },
      TargetHealth: { State: (states[id] ?? 'healthy') as 'healthy' },
    })),
  });
  elbv2Mock.on(DeregisterTargetsCommand).resolves({});
  ecsMock.on(StopTaskCommand).resolves({});
  ecsMock.on(DescribeTasksCommand).resolves({ tasks: [{ desiredStatus: 'STOPPED' }] });
}

const alarmRemoval = action({
  targets: [
    { id: '10.0.1.17', port: 8080 },
    { id: '10.0.1.18', port: 8080 },
  ],
  basis: { inService: 4, healthy: 2, removingHealthy: 0 },
  policy: { minHealthy: 2, keepWhenAllUnhealthy: true },
  whileUnhealthy: true,
  why: 'alarm web-5xx',
});

const taskArn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`;

const stopOf = (target: string, task: string): StopTaskAction => ({
  kind: 'stop-task',
  subject: { clusterName: 'prod', serviceName: 'web', taskArn: taskArn(task) },
  clusterName: 'prod',
  taskArn: taskArn(task),
  reason: `target ${target} unhealthy`,
  why: 'unhealthy',
  target,
  after: actionKey(alarmRemoval),
});

const leased = () =>
  executor({
    clients: { elbv2, ecs },
    kinds: { 'deregister-targets': deregisterTargets, 'stop-task': stopTask },
    targetGroupLeases: { store: memoryLeaseStore(), owner: 'alarm' },
  });

describe('Executor: targets removed for being unhealthy, read again under the lease', () => {
  beforeEach(() => {
    elbv2Mock.reset();
    ecsMock.reset();
  });

  it('keeps a target that is healthy again, removes the one still unhealthy, and stops only its task', async () => {
    // Prepare: 10.0.1.17 passed its health checks again between the alarm's read and the lease
    groupReads({ '10.0.1.18': 'unhealthy' });

    // Act
    const [removal, recoveredStop, stop] = await leased().run([
      alarmRemoval,
      stopOf('10.0.1.17:8080', 'task-a'),
      stopOf('10.0.1.18:8080', 'task-b'),
    ]);

    // Assess
    expect(removal).toMatchObject({
      outcome: 'applied',
      kept: [{ target: '10.0.1.17:8080', why: 'no longer unhealthy (healthy), found under the group’s lease' }],
    });
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)[0]?.args[0].input.Targets).toEqual([
      { Id: '10.0.1.18', Port: 8080 },
    ]);
    expect(recoveredStop).toMatchObject({
      outcome: 'already-done',
      verification: {
        evidence: 'its target 10.0.1.17:8080 stayed in the group, no longer unhealthy: the task is not stopped',
      },
    });
    expect(stop?.outcome).toBe('applied');
    expect(ecsMock.commandCalls(StopTaskCommand).map((c) => c.args[0].input.task)).toEqual([taskArn('task-b')]);
  });

  it('removes nothing and stops nothing when every chosen target is healthy again', async () => {
    // Prepare
    groupReads({});

    // Act
    const [removal, stop] = await leased().run([alarmRemoval, stopOf('10.0.1.17:8080', 'task-a')]);

    // Assess
    expect(removal?.outcome).toBe('already-done');
    expect(removal?.kept?.map((k) => k.target)).toEqual(['10.0.1.17:8080', '10.0.1.18:8080']);
    expect(stop?.outcome).toBe('already-done');
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  it('still removes a healthy target when the removal is not for unhealthiness (a stopped task)', async () => {
    // Prepare
    groupReads({});

    // Act
    const [removal] = await leased().run([{ ...alarmRemoval, whileUnhealthy: undefined, policy: undefined }]);

    // Assess
    expect(removal?.outcome).toBe('applied');
    expect(removal?.kept).toBeUndefined();
  });
});
