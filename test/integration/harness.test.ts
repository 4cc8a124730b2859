import { DescribeServicesCommand, DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { manualTaskTransitions, resetMoto } from '#local/moto-server.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, receiveAlerts, receiveOutbox, targetsOf, type World } from '#local/world.js';
import { TaskStateChangeEventSchema } from '#shared/events/task-state-change.js';
import * as v from '#shared/validation/input-schema.js';

const endpoint = inject('motoEndpoint');
const clientConfig = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

describe('Test harness: moto world', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(endpoint, {
      services: [
        { name: 'api', tasks: 3, targetGroups: 2 },
        { name: 'worker', tasks: 3, containerPort: 9090, tags: { team: 'payments' } },
      ],
    });
  });

  it('registers every task IP healthy in each target group of its service', async () => {
    for (const service of Object.values(world.services)) {
      expect(service.tasks).toHaveLength(3);
      for (const targetGroupArn of service.targetGroupArns) {
        const targets = await targetsOf(world, targetGroupArn);
        expect(targets.map((target) => `${target.id}:${target.port}`).sort()).toEqual(
          service.tasks.map((task) => `${task.ip}:${service.containerPort}`).sort(),
        );
        expect(targets.every((target) => target.state === 'healthy')).toBe(true);
      }
    }
    expect(world.services.api?.targetGroupArns).toHaveLength(2);
    expect(world.services.worker?.targetGroupArns).toHaveLength(1);
  });

  it('describes services with their load balancers and tasks with their group and deployment', async () => {
    const ecs = new ECSClient(clientConfig);
    const api = world.services.api;
    const worker = world.services.worker;
    if (api === undefined || worker === undefined) throw new Error('services missing');
    const { services } = await ecs.send(
      new DescribeServicesCommand({
        cluster: world.clusterName,
        services: [api.serviceArn, worker.serviceArn],
        include: ['TAGS'],
      }),
    );
    expect(services?.[0]?.loadBalancers).toEqual(
      api.targetGroupArns.map((targetGroupArn) => ({ targetGroupArn, containerName: 'app', containerPort: 8080 })),
    );
    expect(services?.[1]?.loadBalancers).toEqual([
      { targetGroupArn: worker.targetGroupArns[0], containerName: 'app', containerPort: 9090 },
    ]);
    expect(services?.[1]?.tags).toEqual([{ key: 'team', value: 'payments' }]);

    await manualTaskTransitions(endpoint);
    const { tasks } = await ecs.send(
      new DescribeTasksCommand({ cluster: world.clusterName, tasks: api.tasks.map((task) => task.taskArn) }),
    );
    for (const task of tasks ?? []) {
      expect(task).toMatchObject({ group: 'service:api', startedBy: api.deploymentId, lastStatus: 'RUNNING' });
    }
    // Frozen transitions: a second describe still sees RUNNING.
    const again = await ecs.send(
      new DescribeTasksCommand({ cluster: world.clusterName, tasks: [api.tasks[0]?.taskArn ?? ''] }),
    );
    expect(again.tasks?.[0]?.lastStatus).toBe('RUNNING');
  });

  it('restores moto default task transitions on reset (the state manager survives /moto-api/reset)', async () => {
    const transition = async () =>
      (await fetch(`${endpoint}/moto-api/state-manager/get-transition?model_name=ecs::task`)).json();
    await manualTaskTransitions(endpoint);
    expect(await transition()).toEqual({ progression: 'manual', times: Number.MAX_SAFE_INTEGER });
    await resetMoto(endpoint);
    expect(await transition()).toEqual({ progression: 'manual', times: 1 });
  });

  it('forwards the listener to the first service target groups', async () => {
    const elbv2 = new ElasticLoadBalancingV2Client(clientConfig);
    const { Listeners } = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [world.listenerArn] }));
    const forward = Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? [];
    expect(forward.map((group) => group.TargetGroupArn)).toEqual(world.services.api?.targetGroupArns);
  });

  it('delivers an SNS alert with its message attributes to the subscriber queue', async () => {
    const sns = new SNSClient(clientConfig);
    const topicArn = world.topicArn;
    expect(topicArn).toBeDefined();
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify({ version: '1.0', source: 'custom', content: { description: 'task stopped' } }),
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'critical' },
          service: { DataType: 'String', StringValue: 'api' },
        },
      }),
    );
    const alerts = await receiveAlerts(world, { waitSeconds: 1 });
    expect(alerts).toEqual([
      {
        message: { version: '1.0', source: 'custom', content: { description: 'task stopped' } },
        attributes: { severity: 'critical', service: 'api' },
      },
    ]);
    expect(await receiveAlerts(world)).toEqual([]);
  });

  it('de-duplicates two outbox sends with the same MessageDeduplicationId', async () => {
    const sqs = new SQSClient(clientConfig);
    for (const body of ['first', 'second']) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: world.outboxQueueUrl,
          MessageBody: body,
          MessageGroupId: 'prod/api',
          MessageDeduplicationId: 'task-1:v5',
        }),
      );
    }
    const messages = await receiveOutbox(world);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ body: 'first', groupId: 'prod/api', dedupId: 'task-1:v5' });
    expect(messages[0]?.receiptHandle).toBeTruthy();
  });

  it('builds task state change events the product schema accepts', () => {
    const task = world.services.api?.tasks[0];
    if (task === undefined) throw new Error('no task');
    const event = taskStateChangeEvent(world, task, { version: 7 });
    const parsed = v.parse(TaskStateChangeEventSchema, event);
    expect(parsed.detail).toMatchObject({
      taskArn: task.taskArn,
      clusterArn: world.clusterArn,
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      group: 'service:api',
      startedBy: world.services.api?.deploymentId,
      version: 7,
    });
    expect(parsed.detail.attachments[0]?.details).toContainEqual({ name: 'privateIPv4Address', value: task.ip });
    expect(parsed.detail.containers[0]).toMatchObject({ name: 'app', exitCode: 1 });

    const running = taskStateChangeEvent(world, task, { lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    expect(running.detail.stopCode).toBeUndefined();
    expect(running.detail.containers[0]?.exitCode).toBeUndefined();
  });
});
