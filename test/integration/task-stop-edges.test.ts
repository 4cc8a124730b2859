import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, receiveOutbox, type World } from '#local/world.js';
import { clients } from '#local/world-clients.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { worldTask } from '#test/support/world-task.js';
import { queuedBatch } from '../../cli/replay.js';

const proxy = await useMotoProxy();

const CONFIG = `${prodClusterConfig('web', 'api')}  - name: ghost
    services:
      - name: '*'
`;

describe('Function: task-state-change, at the edges', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 3 },
        { name: 'api', tasks: 3 },
      ],
    });
  });

  const task = (service: string, index: number) => worldTask(world, service, index);

  /** The event as the queue delivers it the n-th time: the same message, with the same id, on every delivery. */
  function delivery(event: unknown, attempt: number) {
    const batch = queuedBatch([event], world.region, world.account);
    for (const record of batch.Records) {
      record.messageId = `message-of-${(event as { id: string }).id}`;
      record.attributes.ApproximateReceiveCount = String(attempt);
    }
    return batch;
  }

  it('keeps a target whose address a running task of the service owns now, whatever a late event says', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const reused = task('web', 1);
    const oldTask = {
      taskArn: `${world.clusterArn.replace(':cluster/', ':task/')}/0ld0000000000000000000000000000a`,
      ip: reused.ip,
    };
    const before = await membership(world, ['web']);

    // Act
    const result = await react(taskStateChangeEvent(world, oldTask, { service: 'web' }));

    // Assess
    expect(await membership(world, ['web'])).toEqual(before);
    const decisions = result.reaction.services[0]?.outcomes[0]?.plan?.decisions;
    expect(decisions).toMatchObject([{ verdict: 'owned-by-running-task', target: `${reused.ip}:8080` }]);
    // No report to claim: the lease is freed on its own, not left to expire.
    const tg = world.services.web?.targetGroupArns[0] ?? '';
    const lease = await clients(world.endpoint).dynamodb.send(
      new GetItemCommand({
        TableName: world.stateTableName,
        Key: { pk: { S: `target-group/${tg}` }, sk: { S: 'lease/membership' } },
        ConsistentRead: true,
      }),
    );
    expect(lease.Item).toBeUndefined();
  });

  it('deregisters a stopped task’s target under the lease when the first read of its health fails', async () => {
    // Prepare: ELB fails the first DescribeTargetHealth
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const stopped = task('web', 2);
    // Twice: every attempt the SDK makes of one call here (AWS_MAX_ATTEMPTS of the test environment)
    proxy.failWith5xx('elasticloadbalancing:DescribeTargetHealth', 2, 503);

    // Act
    const result = await react(taskStateChangeEvent(world, stopped));

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect((await membership(world, ['web']))[world.services.web?.targetGroupArns[0] ?? '']).not.toContain(
      `${stopped.ip}:8080`,
    );
  });

  it('returns a stop whose alert could not be queued, and alerts on its redelivery though the work is done', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const event = taskStateChangeEvent(world, task('api', 0));
    proxy.failWith5xx('sqs:SendMessage', 2);

    // Act
    const first = await react(delivery(event, 1));
    const retry = await react(delivery(event, 2));

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(first.reaction.failures).toEqual([
      {
        messageId: first.batchItemFailures[0]?.itemIdentifier,
        why: expect.stringMatching(/^the alert could not be queued: /),
      },
    ]);
    expect(retry.batchItemFailures).toEqual([]);
    expect(retry.reaction.ignored).toEqual([]);
    expect(await receiveOutbox(world)).toHaveLength(1);
  });

  it('returns a stop whose deregistration failed for a retry, and alerts once, when the retry has done the work', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const event = taskStateChangeEvent(world, task('api', 1), { lastStatus: 'RUNNING' });
    proxy.failWith5xx('elasticloadbalancing:DeregisterTargets', 2, 503);

    // Act
    const first = await react(delivery(event, 1));
    const outboxAfterFailure = (await receiveOutbox(world)).length;
    const retry = await react(delivery(event, 2));

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(first.reaction.failures[0]?.why).toMatch(/ServiceUnavailable|503/);
    expect(outboxAfterFailure).toBe(0);
    expect(retry.batchItemFailures).toEqual([]);
    expect(await membership(world, ['api'])).not.toContain(`${task('api', 1).ip}:8080`);
    expect(await receiveOutbox(world)).toHaveLength(1);
  });

  it('alerts critical on the last delivery of a stop whose deregistration keeps failing', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    proxy.failWith5xx('elasticloadbalancing:DeregisterTargets', 2, 503);

    // Act
    const last = await react(delivery(taskStateChangeEvent(world, task('api', 2), { lastStatus: 'RUNNING' }), 3));

    // Assess
    expect(last.batchItemFailures).toHaveLength(1);
    expect(last.reaction.services[0]?.alert).toMatchObject({ severity: 'critical' });
    expect(await receiveOutbox(world)).toHaveLength(1);
  });

  it.each([
    ['another account', { account: '999988887777' }],
    ['another region', { region: 'eu-west-1' }],
  ])('does not act on an event from %s that carries one of our addresses', async (_name, envelope) => {
    // Prepare
    const { react, awsCalls } = await coldContainer(world, 'task-state-change', CONFIG);
    const before = await membership(world, ['web']);

    // Act
    const result = await react({ ...taskStateChangeEvent(world, task('web', 0)), ...envelope });

    // Assess
    expect(result.reaction.ignored[0]?.why).toMatch(/is not ours/);
    expect(awsCalls.total()).toBe(0);
    expect(await membership(world, ['web'])).toEqual(before);
  });

  it('acts on what the event says when the container instance of an EC2 task is gone, and alerts with what is known', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const event = taskStateChangeEvent(world, task('web', 2)) as unknown as { detail: Record<string, unknown> };
    Object.assign(event.detail, {
      launchType: 'EC2',
      attachments: [],
      containerInstanceArn: `${world.clusterArn.replace(':cluster/', ':container-instance/')}/0123456789abcdef0123456789abcdef`,
      containers: [
        {
          name: 'app',
          lastStatus: 'STOPPED',
          exitCode: 1,
          networkBindings: [{ containerPort: 8080, hostPort: 32768 }],
        },
      ],
    });
    const before = await membership(world, ['web']);

    // Act
    const result = await react(event);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(await membership(world, ['web'])).toEqual(before);
    expect(result.reaction.services[0]?.alert?.description).toMatch(
      /container instance 0123456789abcdef\S* cannot be described/,
    );
  });

  it('names a configured cluster that does not exist in one warning, however many of its events arrive', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const ghost = (index: number) => {
      const event = taskStateChangeEvent(world, task('web', index)) as unknown as { detail: Record<string, unknown> };
      event.detail.clusterArn = world.clusterArn.replace(/cluster\/.*/, 'cluster/ghost');
      return event;
    };

    // Act
    const first = await react(ghost(0));
    const second = await react(ghost(1));

    // Assess
    expect([...first.batchItemFailures, ...second.batchItemFailures]).toEqual([]);
    const queued = await receiveOutbox(world);
    expect(queued).toHaveLength(1);
    expect(JSON.parse(queued[0]?.body ?? '{}')).toMatchObject({
      severity: 'warning',
      kind: 'config/cluster-missing',
      cluster: 'ghost',
    });
  });
});
