import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { provisionWorld, targetsOf, type World, type WorldService } from '#local/world.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const config = { endpoint: proxy.endpoint, region: 'us-east-1', credentials };

describe('Test harness: moto proxy', () => {
  let world: World;
  let api: WorldService;
  const elbv2 = new ElasticLoadBalancingV2Client({ ...config, maxAttempts: 1 });
  const ecs = new ECSClient({ ...config, maxAttempts: 1 });

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'api', tasks: 3, targetGroups: 2 }] });
    api = required(world.services.api);
    proxy.reset();
  });

  const tg = (index: number) => required(api.targetGroupArns[index]);
  const target = (index: number) => {
    const task = required(api.tasks[index]);
    return { id: task.ip, port: task.port };
  };
  const health = async (targetGroupArn: string, targets?: Array<{ id: string; port: number }>) => {
    const answer = await elbv2.send(
      new DescribeTargetHealthCommand({
        TargetGroupArn: targetGroupArn,
        ...(targets && { Targets: targets.map((ref) => ({ Id: ref.id, Port: ref.port })) }),
      }),
    );
    return (answer.TargetHealthDescriptions ?? []).map((description) => ({
      id: description.Target?.Id,
      port: description.Target?.Port,
      ...description.TargetHealth,
    }));
  };
  const deregister = (targetGroupArn: string, ref: { id: string; port: number }) =>
    elbv2.send(
      new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: ref.id, Port: ref.port }] }),
    );

  it('passes everything through: the world provisions via the proxy and its endpoint is set for the file', async () => {
    expect(process.env.AWS_ENDPOINT_URL).toBe(proxy.endpoint);
    expect(proxy.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(proxy.upstream).toBe(inject('motoEndpoint'));
    // The beforeEach world (EC2, ELBv2, ECS, SNS, SQS) went through; so do reads.
    const targets = await targetsOf(world, tg(0));
    expect(targets.map((ref) => `${ref.id}:${ref.port}`).sort()).toEqual(
      api.tasks.map((task) => `${task.ip}:${task.port}`).sort(),
    );
    expect(targets.every((ref) => ref.state === 'healthy')).toBe(true);
    // Bodies of a few hundred KB pass both ways (SQS JSON protocol).
    const sqs = new SQSClient(config);
    const queueUrl = required(world.alertsQueueUrl);
    const big = 'x'.repeat(200_000);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: big }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(received.Messages?.[0]?.Body).toBe(big);
    expect(proxy.errors()).toEqual([]);
  });

  it('marks one target unhealthy with its reason and leaves the others healthy', async () => {
    proxy.setTargetHealth(tg(0), target(1), 'unhealthy', 'Target.ResponseCodeMismatch');
    const described = await health(tg(0));
    expect(described).toHaveLength(3);
    expect(described.find((entry) => entry.id === target(1).id)).toEqual({
      id: target(1).id,
      port: target(1).port,
      State: 'unhealthy',
      Reason: 'Target.ResponseCodeMismatch',
      Description: 'Health checks failed with these codes: [502]',
    });
    for (const entry of described.filter((candidate) => candidate.id !== target(1).id)) {
      expect(entry).toEqual({ id: entry.id, port: api.containerPort, State: 'healthy' });
    }
    // Explicit Targets too; other states get their realistic default reason.
    proxy.setTargetHealth(tg(0), target(2), 'initial');
    expect(await health(tg(0), [target(2), target(1)])).toMatchObject([
      { id: target(2).id, State: 'initial', Reason: 'Elb.RegistrationInProgress' },
      { id: target(1).id, State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch' },
    ]);
    proxy.setTargetHealth(tg(0), target(2), 'unhealthy', 'Target.Timeout', 'Request timed out');
    expect(await health(tg(0), [target(2)])).toMatchObject([
      { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' },
    ]);
    proxy.clearTargetHealth();
    expect((await health(tg(0))).every((entry) => entry.State === 'healthy')).toBe(true);
  });

  it('scopes target health to its target group', async () => {
    proxy.setTargetHealth(tg(1), target(0), 'draining');
    expect((await health(tg(0))).every((entry) => entry.State === 'healthy')).toBe(true);
    const second = await health(tg(1));
    expect(second.find((entry) => entry.id === target(0).id)).toMatchObject({
      State: 'draining',
      Reason: 'Target.DeregistrationInProgress',
    });
    expect(second.filter((entry) => entry.State === 'healthy')).toHaveLength(2);
  });

  it('lets a deregistered target vanish as moto says, unless it is kept draining', async () => {
    proxy.setTargetHealth(tg(0), target(0), 'unhealthy');
    await deregister(tg(0), target(0));
    expect((await health(tg(0))).map((entry) => entry.id)).not.toContain(target(0).id);

    proxy.keepDraining(tg(0), target(1));
    expect((await health(tg(0))).find((entry) => entry.id === target(1).id)?.State).toBe('healthy');
    await deregister(tg(0), target(1));
    const afterwards = await health(tg(0));
    expect(afterwards).toHaveLength(2);
    expect(afterwards.find((entry) => entry.id === target(1).id)).toEqual({
      id: target(1).id,
      port: target(1).port,
      State: 'draining',
      Reason: 'Target.DeregistrationInProgress',
      Description: 'Target deregistration is in progress',
    });
    // Asked for by name it is draining too (moto alone says unused / Target.NotRegistered).
    expect(await health(tg(0), [target(1)])).toMatchObject([{ id: target(1).id, State: 'draining' }]);
    // Only in its own target group.
    expect((await health(tg(1))).find((entry) => entry.id === target(1).id)?.State).toBe('healthy');

    proxy.finishDraining(tg(0), target(1));
    expect((await health(tg(0))).map((entry) => entry.id)).toEqual([target(2).id]);
    expect(await health(tg(0), [target(1)])).toMatchObject([{ State: 'unused', Reason: 'Target.NotRegistered' }]);
  });

  it('throttles: standard retries get through two throttles, a single attempt fails with Throttling', async () => {
    const retrying = new ElasticLoadBalancingV2Client({ ...config, maxAttempts: 3, retryMode: 'standard' });
    proxy.throttle('DescribeTargetHealth', 2);
    const answer = await retrying.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg(0) }));
    expect(answer.$metadata.attempts).toBe(3);
    expect(answer.TargetHealthDescriptions).toHaveLength(3);
    expect(proxy.calls().filter((call) => call.operation === 'DescribeTargetHealth')).toHaveLength(3);

    proxy.throttle('elasticloadbalancing:DescribeTargetHealth', 1);
    const error = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg(0) })).catch((e) => e);
    expect(error).toMatchObject({ name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    expect(error.message).toBe('Rate exceeded');

    // JSON protocol (ECS).
    proxy.throttle('DescribeServices', 1);
    const ecsError = await ecs
      .send(new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }))
      .catch((e) => e);
    expect(ecsError).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
    // Spent: the next call reaches moto.
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }),
    );
    expect(described.services?.[0]?.serviceName).toBe('api');
  });

  it('fails an ECS JSON operation with a 5xx', async () => {
    proxy.failWith5xx('ecs:DescribeServices', 1);
    const error = await ecs
      .send(new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }))
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } });

    proxy.failWith5xx('DescribeServices', 1, 503);
    const unavailable = await ecs
      .send(new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }))
      .catch((e) => e);
    expect(unavailable).toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    // A retrying client gets through a single 500.
    proxy.failWith5xx('DescribeServices', 1);
    const retrying = new ECSClient({ ...config, maxAttempts: 2, retryMode: 'standard' });
    const answer = await retrying.send(
      new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }),
    );
    expect(answer.$metadata.attempts).toBe(2);
  });

  it('delays matching calls by at least the given latency, and only those', async () => {
    proxy.delay('DescribeServices', 300, 1);
    const started = Date.now();
    await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);

    const again = Date.now();
    await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }));
    expect(Date.now() - again).toBeLessThan(300);
  });

  it('records the operations it sees, with their service', async () => {
    const before = Date.now();
    await health(tg(0));
    await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }));
    expect(proxy.calls()).toEqual([
      { service: 'elasticloadbalancing', operation: 'DescribeTargetHealth', at: expect.any(Number) },
      { service: 'ecs', operation: 'DescribeServices', at: expect.any(Number) },
    ]);
    expect(proxy.calls()[0]?.at).toBeGreaterThanOrEqual(before);
  });

  it('survives a failing rule and reports it', async () => {
    proxy.addRule({
      name: 'broken',
      match: () => {
        throw new Error('boom');
      },
    });
    proxy.addRule({
      name: 'broken rewrite',
      match: (call) => call.operation === 'DescribeTargetHealth',
      rewrite: () => {
        throw new Error('bang');
      },
    });
    expect(await health(tg(0))).toHaveLength(3);
    expect(proxy.errors()).toMatchObject([
      { rule: 'broken', operation: 'DescribeTargetHealth' },
      { rule: 'broken rewrite', operation: 'DescribeTargetHealth' },
    ]);
  });

  it('restores plain moto behaviour on reset', async () => {
    proxy.setTargetHealth(tg(0), target(0), 'unhealthy');
    proxy.keepDraining(tg(0), target(1));
    proxy.throttle('DescribeTargetHealth', 5);
    proxy.delay('DescribeServices', 2_000);
    proxy.reset();
    expect(proxy.calls()).toEqual([]);
    await deregister(tg(0), target(1));
    const described = await health(tg(0));
    expect(described.map((entry) => entry.id).sort()).toEqual([target(0).id, target(2).id].sort());
    expect(described.every((entry) => entry.State === 'healthy')).toBe(true);
    const started = Date.now();
    await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: [api.serviceArn] }));
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing value');
  return value;
}
