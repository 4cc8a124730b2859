import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliverOutbox, outboxEvent } from '#local/pipeline.js';
import { startSlackApiServer } from '#local/slack-api-server.js';
import { snsEvent } from '#local/sns-events.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, receiveAlerts, targetsOf, type World } from '#local/world.js';
import { clients } from '#local/world-clients.js';
import type { Alert } from '#shared/notify/alert.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import { type GroupId, groupIdOf, groupIdText } from '#shared/notify/grouping/plan.js';
import * as v from '#shared/validation/input-schema.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { lambdaContext, queuedBatch } from '../../cli/replay.js';

// Through our proxy, which hands DynamoDB one call at a time: moto alone lets two racing conditional writes both win.
const proxy = await useMotoProxy();
const CONFIG = 'version: 1\nclusters: [{ name: prod, services: [{ name: web }] }]\n';
const STOPS = 300;
const BATCH = 25;

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
type TaskBatchResult = SQSBatchResponse & { reaction: { services: Array<{ alert?: Alert }> } };

/** The n-th failed task of prod/web: not one of the world's running tasks, but registered in its target group. */
function failedTask(world: World, n: number) {
  const id = `${String(n).padStart(4, '0')}0000000000000000000000000000`;
  return {
    taskArn: `arn:aws:ecs:${world.region}:${world.account}:task/prod/${id}`,
    ip: `10.0.${200 + Math.floor(n / 256)}.${n % 256}`,
  };
}

/** A batch of the task-events queue as Lambda hands it over the n-th time (SQS counts the receives). */
function redelivered(event: SQSEvent, receiveCount: number): SQSEvent {
  const attributes = (r: SQSEvent['Records'][number]) => ({
    ...r.attributes,
    ApproximateReceiveCount: `${receiveCount}`,
  });
  return { Records: event.Records.map((r) => ({ ...r, attributes: attributes(r) })) };
}

/** The world: prod/web with two running tasks and, in its target group, the 300 tasks about to fail. */
async function failingService(): Promise<World> {
  const world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 2 }] });
  const targetGroupArn = world.services.web?.targetGroupArns[0] as string;
  const failing = Array.from({ length: STOPS }, (_, n) => ({ Id: failedTask(world, n).ip, Port: 8080 }));
  await clients(proxy.endpoint).elbv2.send(
    new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: failing }),
  );
  return world;
}

describe('Task stops to messages: task-state-change, notifier, alert-flush', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('turns 300 failed tasks of one service, in concurrent batches with one redelivered, into three messages counting 300 stops, in one Slack thread', {
    timeout: 120_000,
  }, async () => {
    // Prepare: three containers of each function, grouping wired (30 s group wait, 5 min group interval).
    const world = await failingService();
    const { sqs } = clients(proxy.endpoint);
    const flushQueue = await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-autopilot-test-alert-flush' }));
    const env = { ALERT_FLUSH_QUEUE_URL: flushQueue.QueueUrl as string };
    const container = async () => {
      const { react, notifier } = await coldContainer(world, 'task-state-change', CONFIG, env);
      const flush = (await import('#functions/alert-flush/handler.js')).handler as unknown as Handler;
      return { react: react as (event: SQSEvent) => Promise<TaskBatchResult>, notifier: notifier as Handler, flush };
    };
    const containers = [await container(), await container(), await container()];
    const [one, other] = containers as [Awaited<ReturnType<typeof container>>, Awaited<ReturnType<typeof container>>];
    const batches = Array.from({ length: STOPS / BATCH }, (_, b) => {
      const task = (i: number) => failedTask(world, b * BATCH + i);
      const events = Array.from({ length: BATCH }, (_, i) => taskStateChangeEvent(world, task(i), { service: 'web' }));
      return queuedBatch(events, world.region, world.account);
    });
    const t0 = Date.now();
    const answers: SQSBatchResponse[] = [];
    const groups = new Map<string, GroupId>();
    const notified: Alert[] = [];
    /** The notifier as the outbox's queue feeds it; notes the groups to flush and the alerts it was handed. */
    const notifier = async (event: SQSEvent, context: Context) => {
      for (const record of event.Records) {
        const alert = JSON.parse(record.body) as Alert;
        if (!record.messageAttributes['ecs-autopilot-group-message']) notified.push(alert);
        groups.set(groupIdText(groupIdOf(alert)), groupIdOf(alert));
      }
      const answer = await one.notifier(event, context);
      answers.push(answer);
      return answer;
    };
    /** At `second` (of a clock the grouping reads): the outbox is delivered, then every group flushed twice at once. */
    const notifyAt = async (second: number, late: Alert[] = []) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(t0 + second * 1000);
      while ((await deliverOutbox(world, notifier)) > 0);
      if (late.length > 0) await notifier(outboxEvent(world, late.map(asOutboxMessage)), lambdaContext('notifier'));
      for (const group of groups.values()) {
        const request = {
          Records: [
            { ...batches[0]?.Records[0], body: JSON.stringify({ ...group, flushAt: new Date().toISOString() }) },
          ],
        };
        const flushes = [one, other].map((c) => c.flush(request as SQSEvent, lambdaContext('alert-flush')));
        answers.push(...(await Promise.all(flushes)));
      }
      while ((await deliverOutbox(world, notifier)) > 0);
      vi.useRealTimers();
    };
    /** Three batches at once, one a container, and any other invocation running beside them. */
    const wave = async (first: number, beside: Promise<TaskBatchResult>[] = []) => {
      const reactions = containers.map((c, i) => c.react(batches[first + i] as SQSEvent));
      const results = await Promise.all([...reactions, ...beside]);
      answers.push(...results);
      return results;
    };

    // Act: batches 0-2 at second 0, 3-5 at 100 beside batch 0 delivered again to another container, 6-8 at 200,
    // 9-11 at 400; the flushes look every time, and at 30, 330 and 630, when the group is due. Batch 0's alert is also
    // handed to the notifier again as a new outbox message, as a retry queues it once the outbox's 5-minute
    // de-duplication window is over (within it, the outbox drops the copy itself).
    const first = await wave(0);
    const batch0Alerts = first[0]?.reaction.services.flatMap((s) => (s.alert ? [s.alert] : [])) ?? [];
    await notifyAt(0);
    await notifyAt(30);
    await wave(3, [other.react(redelivered(batches[0] as SQSEvent, 2))]);
    await notifyAt(100, batch0Alerts);
    await wave(6);
    await notifyAt(200);
    await notifyAt(330);
    await wave(9);
    await notifyAt(400);
    await notifyAt(630);
    const published = (await receiveAlerts(world)).map((a) => v.parse(ChatbotNotificationSchema, a.message));
    const posts = await postToSlackThreads(published.map((m) => JSON.stringify(m)));

    // Assess
    expect(answers.flatMap((a) => a.batchItemFailures)).toEqual([]);
    expect(await targetsOf(world, world.services.web?.targetGroupArns[0] as string)).toHaveLength(2);
    const stormAlerts = notified.filter((a) => a.kind === 'task-stopped/storm');
    expect(batch0Alerts.map((a) => a.occurrences?.count)).toEqual([BATCH]);
    // The notifier was handed batch 0's stops more than once, and counted them once.
    expect(stormAlerts.reduce((sum, a) => sum + (a.occurrences?.count ?? 1), 0)).toBeGreaterThan(STOPS);
    const storm = published.filter((m) => m.metadata?.eventType === 'task-stopped/storm');
    const counts = storm.map((m) => Number(m.metadata?.additionalContext?.Alerts));
    expect(counts).toEqual([75, 150, 75]);
    expect(new Set(storm.map((m) => m.metadata?.threadId)).size).toBe(1);
    expect(storm[2]?.content.description).toContain(`${STOPS} alerts since`);
    expect(published.filter((m) => m.metadata?.eventType === 'task-stopped/crash-loop')).toHaveLength(1);
    expect(published).toHaveLength(4);
    // In Slack (bot-token mode): the storm is one thread, its root and two replies; the crash loop a thread of its own.
    const [root, ...replies] = posts.filter((p) => p.text.includes('task-stopped/storm'));
    expect(replies.map((r) => r.threadTs)).toEqual([root?.ts, root?.ts]);
    expect(posts.filter((p) => p.threadTs === undefined)).toHaveLength(2);
  });
});

/** Hands messages of the alert topic to the Slack function in bot-token mode; returns what the channel got. */
async function postToSlackThreads(topicMessages: string[]) {
  const slack = await startSlackApiServer();
  const parameter = '/ecs-autopilot/test/slack-bot-token';
  const ssm = { Name: parameter, Type: 'SecureString' as const, Value: slack.token, Overwrite: true };
  await new SSMClient({ endpoint: proxy.endpoint, region: 'us-east-1' }).send(new PutParameterCommand(ssm));
  const env = { SLACK_CHANNEL: 'C0LOCAL0001', SLACK_BOT_TOKEN_PARAMETER: parameter, SLACK_API_URL: slack.url };
  try {
    vi.resetModules();
    Object.assign(process.env, env);
    const { handler } = await import('#functions/slack-notifier/handler.js');
    for (const message of topicMessages) await handler(snsEvent(message) as never, lambdaContext('slack-notifier'));
    return slack.posts;
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
    await slack.stop();
  }
}

/** An alert as the outbox hands it over: a message of its own, with a new message id. */
function asOutboxMessage(alert: Alert, n: number) {
  const id = `late-copy-${n}-${alert.dedupKey ?? alert.incidentId}`.slice(0, 80);
  return {
    body: JSON.stringify(alert),
    receiptHandle: id,
    messageId: id,
    attributes: {},
    messageAttributes: {},
    groupId: 'prod/web',
    dedupId: '',
  };
}
