import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { DeregisterTargetsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientOptions } from '#shared/aws/options.js';
import { parseConfig } from '#shared/config/load.js';
import { readQueuedTaskEvents } from '#shared/events/task-stop-queue.js';
import type { Alert } from '#shared/notify/alert.js';
import { enqueueAlert } from '#shared/notify/outbox.js';
import { createObservationCache } from '#shared/services/observation-cache.js';
import { StateLedger } from '#shared/state/index.js';
import { reactToTaskStopBatch } from '#shared/tasks/batch-react.js';
import { createHandledTaskVersions } from '#shared/tasks/handled-versions.js';
import { queuedBatch } from '../cli/replay.js';
import type { StormTrace } from './storm-trace.js';
import type { Storm } from './storm-world.js';

/** What a run left behind besides the end state: failures it surfaced and messages it gave up on. */
export interface RunOutcome {
  /** Errors that reached the handler's result (a failed batch item, a failed floor call), by what they said. */
  surfaced: string[];
  /** Messages that failed every delivery (the DLQ's share). */
  lost: number;
  /** The most DeregisterTargets one batch sent to one target group. */
  writesPerGroupPerBatch: number;
}

const MAX_DELIVERIES = 3;
const logger = new Logger({ logLevel: 'SILENT' });

/** One Lambda container: its own SDK clients (as production creates them), caches, version memory and lease owner. */
function container(storm: Storm, n: number, endpoint: string, trace?: StormTrace) {
  const options = { ...awsClientOptions(), endpoint, region: storm.world.region };
  const traced = <C extends { middlewareStack: { use(plugin: ReturnType<StormTrace['plugin']>): void } }>(
    client: C,
  ) => {
    if (trace) client.middlewareStack.use(trace.plugin(n));
    return client;
  };
  const dynamodb = traced(new DynamoDBClient(options));
  const store = new StateLedger({ client: dynamodb, tableName: storm.world.stateTableName });
  return {
    config: parseConfig({ version: 1, clusters: [{ name: storm.world.clusterName, services: [{ name: '*' }] }] }),
    clients: {
      ecs: traced(new ECSClient(options)),
      elbv2: traced(new ElasticLoadBalancingV2Client(options)),
      sqs: traced(new SQSClient(options)),
    },
    outboxUrl: storm.world.outboxQueueUrl ?? '',
    cache: createObservationCache(),
    seen: createHandledTaskVersions(),
    logger,
    home: { account: storm.world.account, region: storm.world.region },
    maxAttempts: MAX_DELIVERIES,
    targetGroupLeases: { store, owner: `container-${n}` },
    sweepLedger: store,
  };
}

/**
 * The batched reaction as the queue's event source runs it: `instances` containers take the storm at once, one batch
 * each; failed messages are delivered again (up to three deliveries) to the next round of batches.
 */
export async function runBatched(
  storm: Storm,
  instances: number,
  endpoint: string,
  trace?: StormTrace,
): Promise<RunOutcome> {
  const containers = [...Array(instances).keys()].map((n) => container(storm, n, endpoint, trace));
  const outcome: RunOutcome = { surfaced: [], lost: 0, writesPerGroupPerBatch: 0 };
  let pending = storm.events.map((event) => ({ event, attempt: 1 }));
  while (pending.length > 0) {
    const rounds = containers.map((_, n) => pending.filter((_, i) => i % containers.length === n));
    const results = await Promise.all(
      containers.map(async (deps, n) => {
        const mine = rounds[n] ?? [];
        if (mine.length === 0) return [];
        const batch = queuedBatch(
          mine.map((m) => m.event),
          storm.world.region,
          storm.world.account,
        );
        batch.Records.forEach((r, i) => {
          r.attributes.ApproximateReceiveCount = String(mine[i]?.attempt ?? 1);
        });
        const { events, unreadable } = readQueuedTaskEvents(batch.Records);
        const startMs = performance.now();
        const reaction = await reactToTaskStopBatch(events, deps);
        trace?.batches.push({ container: n, startMs, endMs: performance.now() });
        const failed = new Set([...unreadable, ...reaction.failures].map((f) => f.messageId));
        outcome.surfaced.push(...reaction.failures.map((f) => f.why));
        for (const group of reaction.services.flatMap((s) => s.outcomes)) {
          const writes = group.audit.filter((r) => r.outcome === 'applied' || r.outcome === 'failed').length;
          outcome.writesPerGroupPerBatch = Math.max(outcome.writesPerGroupPerBatch, writes);
        }
        return batch.Records.flatMap((r, i) => (failed.has(r.messageId) ? [mine[i] as (typeof pending)[number]] : []));
      }),
    );
    const failed = results.flat();
    outcome.lost += failed.filter((f) => f.attempt >= MAX_DELIVERIES).length;
    pending = failed.filter((f) => f.attempt < MAX_DELIVERIES).map((f) => ({ ...f, attempt: f.attempt + 1 }));
  }
  return outcome;
}

/**
 * The floor: one ELB call per event and nothing else, no read, no guard, no batching, and one alert per event:
 * `instances` workers take the events one by one.
 */
export async function runFloor(storm: Storm, instances: number, endpoint: string): Promise<RunOutcome> {
  const options = { ...awsClientOptions(), endpoint, region: storm.world.region };
  const elbv2 = new ElasticLoadBalancingV2Client(options);
  const sqs = new SQSClient(options);
  const outcome: RunOutcome = { surfaced: [], lost: 0, writesPerGroupPerBatch: 1 };
  const queue = [...storm.events] as Array<{
    id: string;
    time: string;
    detail: { taskArn: string; group: string; attachments: Array<{ details: Array<{ name: string; value: string }> }> };
  }>;
  const worker = async () => {
    for (let event = queue.shift(); event; event = queue.shift()) {
      const service = storm.world.services[event.detail.group.slice('service:'.length)];
      const ip = event.detail.attachments[0]?.details.find((d) => d.name === 'privateIPv4Address')?.value ?? '';
      try {
        await elbv2.send(
          new DeregisterTargetsCommand({
            TargetGroupArn: service?.targetGroupArns[0],
            Targets: [{ Id: ip, Port: service?.containerPort }],
          }),
        );
      } catch (error) {
        outcome.surfaced.push(`${(error as Error).name}: ${(error as Error).message}`);
      }
      await enqueueAlert(sqs, storm.world.outboxQueueUrl ?? '', floorAlert(storm, event.detail.taskArn, event.time));
    }
  };
  await Promise.all([...Array(instances).keys()].map(worker));
  return outcome;
}

function floorAlert(storm: Storm, taskArn: string, time: string): Alert {
  const { region, account, clusterName } = storm.world;
  return {
    incidentId: `ecs-task-stop/${clusterName}/${taskArn.split('/').pop()}`,
    severity: 'critical',
    kind: 'task-stopped/essential-container-exited',
    title: `task ${taskArn.split('/').pop()?.slice(0, 8)} stopped`,
    description: 'deregistered',
    nextSteps: [],
    keywords: [],
    cluster: clusterName,
    service: '',
    region,
    account,
    links: [],
    relatedResources: [taskArn],
    dryRun: false,
    occurredAt: time,
  };
}
