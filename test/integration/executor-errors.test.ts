import { beforeEach, describe, expect, it } from 'vitest';
import { timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { throttleRule } from '#local/moto-proxy-wire.js';
import { deliverOutbox } from '#local/pipeline.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, receiveAlerts, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { queuedBatch } from '../../cli/replay.js';

const proxy = await useMotoProxy();

const CONFIG = prodClusterConfig('web');

describe('Executor: a write AWS refuses', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3 }] });
  });

  it('keeps the AWS error and its request id in the audit record, and names the request id in the alert', async () => {
    // Prepare
    const { react, notifier } = await coldContainer(world, 'task-state-change', CONFIG);
    const stopped = world.services.web?.tasks[0];
    if (!stopped) throw new Error('no web task');
    proxy.failWith5xx('DeregisterTargets', 100);

    // Act: the last delivery, which alerts (earlier ones are retried silently)
    const batch = queuedBatch([taskStateChangeEvent(world, stopped)], world.region, world.account);
    for (const message of batch.Records) message.attributes.ApproximateReceiveCount = '3';
    const result = await react(batch);
    await deliverOutbox(world, notifier);
    const alerts = await receiveAlerts(world);

    // Assess
    const [record] = result.reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.audit));
    expect(record?.outcome).toBe('failed');
    expect(record?.error).toMatchObject({
      name: 'InternalFailure',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(record?.error?.cause).toBeInstanceOf(Error);
    const description = v.parse(ChatbotNotificationSchema, alerts[0]?.message).content.description;
    expect(description).toContain(`FAILED to deregister ${stopped.ip}:${stopped.port}`);
    expect(description).toContain(`(request id ${record?.error?.requestId})`);
  });

  it('takes a deregistration whose every answer was lost as applied once a read shows it landed', async () => {
    // Prepare: both of the SDK's attempts land in ELB and their answers come after the 500 ms request timeout
    const { react } = await coldContainer(world, 'task-state-change', CONFIG, { AWS_REQUEST_TIMEOUT_MS: '500' });
    const stopped = world.services.web?.tasks[1];
    if (!stopped) throw new Error('no web task');
    timeOutAfterWrite(proxy, 'elasticloadbalancing:DeregisterTargets', 2, 1_500);

    // Act
    const result = await react(taskStateChangeEvent(world, stopped, { lastStatus: 'RUNNING' }));

    // Assess: applied, verified by the read, and nothing returned for a retry
    const [record] = result.reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.audit));
    expect(record).toMatchObject({
      outcome: 'applied',
      verification: { ok: true, evidence: expect.stringMatching(/^its answer was lost \(TimeoutError\), read back: /) },
    });
    expect(result.batchItemFailures).toEqual([]);
    const tg = world.services.web?.targetGroupArns[0] ?? '';
    expect((await membership(world, ['web']))[tg]).not.toContain(`${stopped.ip}:${stopped.port}`);
  });

  it('takes a deregistration as applied when its first attempt landed unanswered and the retry was throttled', async () => {
    // Prepare: the first attempt lands and its answer comes after the request timeout; ELB throttles the retry
    const { react } = await coldContainer(world, 'task-state-change', CONFIG, { AWS_REQUEST_TIMEOUT_MS: '500' });
    const stopped = world.services.web?.tasks[0];
    if (!stopped) throw new Error('no web task');
    timeOutAfterWrite(proxy, 'elasticloadbalancing:DeregisterTargets', 1, 1_500);
    const throttled = throttleRule('DeregisterTargets', 1);
    let attempt = 0;
    proxy.addRule({ ...throttled, match: (call) => throttled.match(call) && ++attempt === 2 });

    // Act
    const result = await react(taskStateChangeEvent(world, stopped, { lastStatus: 'RUNNING' }));

    // Assess
    const [record] = result.reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.audit));
    expect(record).toMatchObject({
      outcome: 'applied',
      verification: { evidence: expect.stringMatching(/^its answer was lost \(Throttling\), read back: /) },
    });
    expect(result.batchItemFailures).toEqual([]);
  });

  it('reads nothing back after a write ELB refused for sure (throttled on its only attempt)', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG, { AWS_MAX_ATTEMPTS: '1' });
    const stopped = world.services.web?.tasks[2];
    if (!stopped) throw new Error('no web task');
    proxy.throttle('DeregisterTargets', 100);

    // Act
    const result = await react(taskStateChangeEvent(world, stopped, { lastStatus: 'RUNNING' }));

    // Assess: failed, and no health read after the refused write
    const [record] = result.reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.audit));
    expect(record?.outcome).toBe('failed');
    const operations = proxy.calls().map((c) => c.operation);
    expect(operations.slice(operations.lastIndexOf('DeregisterTargets'))).not.toContain('DescribeTargetHealth');
  });
});
