import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { writeConfig } from '#local/pipeline.js';
import { buildAlert } from '#shared/notify/build-alert.js';
import { groupIdOf, groupIdText } from '#shared/notify/grouping/plan.js';
import { lambdaContext } from '../../../cli/replay.js';
import { alerts, changedNothing } from '../claims.js';
import { say } from '../print.js';
import type { Scenario, Stage } from '../stage.js';

const BURST = 60;

/** The n-th failure of a burst of api's tasks, as the task reaction reports it. */
function failure(stage: Stage, n: number) {
  const taskId = `${String(n).padStart(4, '0')}${'f'.repeat(28)}`;
  return buildAlert({
    event: { region: stage.world.region, account: stage.world.account },
    incidentId: `ecs-task-stop/prod/${taskId}`,
    severity: n === 17 ? 'critical' : 'warning',
    kind: 'task-stopped/essential-container-exited',
    service: { clusterName: 'prod', serviceName: 'api' },
    headline: `task ${taskId.slice(0, 8)} stopped (essential container exited)`,
    description: [
      `*What happened:* Essential container app exited with code ${n === 17 ? 139 : 1}.`,
      '*What ecs-autopilot did:*\n• deregister the task from target group api-tg1: applied, verified',
    ],
    nextSteps: ["Read the container's last log lines: the exit code says how it ended."],
    keywords: ['essential-container-exited'],
    links: [{ service: { clusterName: 'prod', serviceName: 'api' } }],
    relatedResources: [],
    dryRun: false,
    occurredAt: new Date().toISOString(),
  });
}

/** Ten alerts of the outbox as the SQS event source hands them to the notifier. */
function outboxBatch(stage: Stage, from: number): SQSEvent {
  return {
    Records: Array.from({ length: 10 }, (_, i) => ({
      messageId: crypto.randomUUID(),
      receiptHandle: `burst-${from + i}`,
      body: JSON.stringify(failure(stage, from + i)),
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${stage.world.region}:${stage.world.account}:ecs-autopilot-alert-outbox.fifo`,
      awsRegion: stage.world.region,
    })),
  };
}

/** A new instance of a function's handler module, as a new Lambda container loads it with its own environment. */
function freshModule(fn: string): string {
  const url = new URL(`../../../functions/${fn}/handler.ts`, import.meta.url);
  url.searchParams.set('container', 'grouping');
  return url.href;
}

/** Alert grouping: a storm in one service becomes one message with exact counts, not one message per task. */
export function alertGroupingScenarios(): Scenario[] {
  return [
    {
      title: `A burst of ${BURST} task failures in api reaches Slack as one grouped message with the exact count`,
      claims: [changedNothing, alerts(1)],
      play: async (stage) => {
        const sqs = new SQSClient({ endpoint: stage.proxy.endpoint, region: stage.world.region });
        const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-autopilot-demo-alert-flush' }));
        // A notifier and a flush wired for grouping, as the stack deploys them; no group wait, to keep the demo short.
        const previous = { ...process.env };
        process.env.ALERT_FLUSH_QUEUE_URL = queue.QueueUrl ?? '';
        process.env.AUTOPILOT_CONFIG_FILE = writeConfig(
          'version: 1\nnotifications: { grouping: { groupWaitSeconds: 0 } }\nclusters: [{ name: prod, services: [{ name: api }] }]\n',
        );
        const notifier: typeof import('#functions/notifier/handler.js') = await import(freshModule('notifier'));
        const flush: typeof import('#functions/alert-flush/handler.js') = await import(freshModule('alert-flush'));
        process.env = previous;
        say('event', `${BURST} tasks of api fail within a minute; six notifier invocations count them at once`);
        await Promise.all(
          Array.from({ length: BURST / 10 }, (_, b) =>
            notifier.handler(outboxBatch(stage, b * 10) as never, lambdaContext('notifier')),
          ),
        );
        const group = groupIdOf(failure(stage, 0));
        const body = JSON.stringify({ ...group, flushAt: new Date().toISOString() });
        say('flush', `the group's flush runs twice at once (a retry racing the first): ${groupIdText(group)}`);
        const event = { Records: [{ ...outboxBatch(stage, 0).Records[0], body }] };
        await Promise.all([1, 2].map(() => flush.handler(event as never, lambdaContext('alert-flush'))));
        return { audit: [] };
      },
    },
  ];
}
