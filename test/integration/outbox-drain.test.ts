import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { serverError } from '#local/moto-proxy.js';
import { timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { drainOutbox } from '#local/pipeline.js';
import { provisionWorld, receiveAlerts, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { taskStopAlert } from '#test/support/alerts.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
const ALL_THREE = ['🔴 prod/web: task 1 stopped', '🔴 prod/web: task 2 stopped', '🔴 prod/web: task 3 stopped'];

describe('Test harness: the alert outbox fed to the notifier as its event source does', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 0 }] });
    // Three alerts of one service: one message group of the FIFO outbox, in order.
    const sqs = new SQSClient({ endpoint: world.endpoint, region: world.region });
    for (const n of [1, 2, 3]) {
      const alert = taskStopAlert({ incidentId: `ecs-task-stop/prod/task-${n}`, title: `prod/web: task ${n} stopped` });
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: world.outboxQueueUrl,
          MessageBody: JSON.stringify(alert),
          MessageGroupId: 'prod/web',
          MessageDeduplicationId: `task-${n}`,
        }),
      );
    }
  });

  const refusePublishes = (times: number) =>
    proxy.addRule({
      name: 'publish refused',
      match: (call) => call.operation === 'Publish',
      times,
      respond: (call) => serverError(call, 500),
    });
  const publishedTitles = async () =>
    (await receiveAlerts(world)).map((a) => v.parse(ChatbotNotificationSchema, a.message).content.title);
  const notifier = async (env: Record<string, string> = {}) =>
    (await coldContainer(world, 'service-event', prodClusterConfig('web'), env)).notifier;

  it('gives a failed group back to the notifier until it is delivered', async () => {
    // Prepare: the first alert's publish is refused through the SDK's two attempts; the notifier returns its group.
    const handler = await notifier();
    refusePublishes(2);

    // Act
    const drained = await drainOutbox(world, handler, { invocationMs: 1_500 });

    // Assess
    expect(drained).toEqual({ delivered: 3, heldBack: [] });
    expect(await publishedTitles(), 'each once, in order').toEqual(ALL_THREE);
  });

  it('gives a record back only once the invocation that failed it is over, its publication record free again', async () => {
    // Prepare: the first publication record lands and its answer is lost through both SDK attempts (500 ms each).
    const handler = await notifier({ AWS_REQUEST_TIMEOUT_MS: '500' });
    timeOutAfterWrite(proxy, 'dynamodb:PutItem', 2, 1_000);

    // Act
    const drained = await drainOutbox(world, handler, { invocationMs: 1_500 });

    // Assess: the redelivery found the record freed and published; none twice (the answers lost were DynamoDB's).
    expect(drained).toEqual({ delivered: 3, heldBack: [] });
    expect(await publishedTitles(), 'each once, in order').toEqual(ALL_THREE);
  });

  it('stops after the outbox receives a record five times, and says what it held back', async () => {
    // Prepare: every publish refused.
    const handler = await notifier();
    refusePublishes(Number.POSITIVE_INFINITY);

    // Act
    const drained = await drainOutbox(world, handler, { invocationMs: 1_500 });

    // Assess: five receives of the group, each trying its first alert through two attempts.
    expect(drained.delivered).toBe(0);
    expect(drained.heldBack.map((body) => JSON.parse(body).incidentId)).toEqual([
      'ecs-task-stop/prod/task-1',
      'ecs-task-stop/prod/task-2',
      'ecs-task-stop/prod/task-3',
    ]);
    expect(proxy.calls().filter((call) => call.operation === 'Publish')).toHaveLength(5 * 2);
  });
});
