import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { serverError } from '#local/moto-proxy.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { deliverOutbox } from '#local/pipeline.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { membership, provisionWorld, receiveAlerts, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { coldContainer } from '#test/support/functions.js';
import { alertsLostWhile } from '#test/support/lost-alerts.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { RECONCILER_CONFIG } from '#test/support/reconciler-fixtures.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

describe('Function: reconciler, a sweep whose alert cannot be queued', () => {
  let world: World;

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3, targetGroups: 2 }] });
    // A task that stopped an hour ago while its targets stayed registered: what a lost event leaves behind.
    const orphan = world.services.web?.tasks[1] as { taskArn: string };
    const ecs = new ECSClient({ endpoint, region: world.region });
    await ecs.send(
      new StopTaskCommand({ cluster: 'prod', task: orphan.taskArn, reason: 'Essential container exited' }),
    );
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000));
  });

  const titles = (alerts: Awaited<ReturnType<typeof receiveAlerts>>) =>
    alerts.map((a) => v.parse(ChatbotNotificationSchema, a.message).content.title);

  it('fails, and its retry queues the alert of what the first attempt removed, once', async () => {
    // Prepare: SQS refuses every attempt of the first sweep's alert
    const { react: sweep, notifier } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);
    const event = scheduledEvent(world);
    proxy.failWith5xx('sqs:SendMessage', 2);

    // Act: Lambda's retry of the same schedule, then the next minute's sweep
    const first = await sweep(event).catch((error: unknown) => error);
    const afterFirst = await membership(world);
    const retry = await sweep(event);
    const fromNext = proxy.calls().length;
    const next = await sweep(scheduledEvent(world));
    const sentByNext = proxy
      .calls()
      .slice(fromNext)
      .filter((c) => c.operation === 'SendMessage').length;
    await deliverOutbox(world, notifier);
    const alerts = await receiveAlerts(world);

    // Assess
    expect(first).toBeInstanceOf(Error);
    expect(Object.values(afterFirst).map((targets) => targets.length)).toEqual([2, 2]);
    expect(retry.audit).toEqual([]);
    expect(next.audit).toEqual([]);
    // taken off once queued: the next sweep, with nothing to say, sends nothing
    expect(sentByNext).toBe(0);
    expect(titles(alerts)).toEqual([expect.stringMatching(/reconciler: orphans deregistered in 2 target group\(s\)$/)]);
  });

  it('counts the alert as lost, for the operators’ alarm, when it can be neither queued nor left waiting', async () => {
    // Prepare: SQS refuses the alert and the state table refuses to keep it
    const { react: sweep } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);
    proxy.failWith5xx('sqs:SendMessage', 2);
    proxy.addRule({
      match: (call) => ['PutItem', 'UpdateItem'].includes(call.operation) && call.body.includes('waiting-alerts'),
      respond: (call) => serverError(call),
    });

    // Act
    const { settled, lost } = await alertsLostWhile(() => sweep(scheduledEvent(world)));

    // Assess
    expect(settled).toBeInstanceOf(Error);
    expect(lost).toEqual([1]);
  });

  it('leaves nothing waiting in a dry run, which writes no state', async () => {
    // Prepare
    const dryRun = `${RECONCILER_CONFIG}dryRun: true\n`;
    const { react: sweep, notifier } = await coldContainer(world, 'reconciler', dryRun);
    proxy.failWith5xx('sqs:SendMessage', 2);

    // Act
    const first = await sweep(scheduledEvent(world)).catch((error: unknown) => error);
    const calls = proxy.calls().length;
    await sweep(scheduledEvent(world));
    const writes = proxy
      .calls()
      .slice(calls)
      .filter((c) => c.service === 'dynamodb');
    await deliverOutbox(world, notifier);

    // Assess: the second dry run says what it would do again, and neither read nor wrote the state table
    expect(first).toBeInstanceOf(Error);
    expect(writes).toEqual([]);
    expect(titles(await receiveAlerts(world))).toHaveLength(1);
  });
});
