/**
 * Duplicate and out-of-order replay of task events at full size: 20 services, `REPLAY_TASKS` tasks each (75 by
 * default, about 10,000 events), 10 % duplicated, 10 % reordered, fed to two containers of the task function in the
 * queue's batches of 1,000. Mutating calls are counted by SDK middleware. Prints the figures and a verdict line per
 * target (zero extra removals, zero actions on a stale version, none missed). `npm run bench:replay`.
 */
import { startMoto } from '#local/moto-server.js';
import { useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import { deliveredNow, judgeReplay, type RecordedMutation, recordMutations, taskReplay } from '#local/task-replay.js';
import { provisionWorld } from '#local/world.js';
import { lambdaContext, queuedBatch } from '../cli/replay.js';

process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// moto on a shared machine answers large listings slower than AWS: its latency is not what is measured.
process.env.AWS_REQUEST_TIMEOUT_MS ??= '30000';
const out = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`… ${line}\n`);

const SERVICES = 20;
const TASKS = Number(process.env.REPLAY_TASKS ?? 75);
const BATCH = 1_000;
const CONFIG = "version: 1\nclusters:\n  - name: prod\n    services:\n      - name: '*'\n";

async function main() {
  const moto = await startMoto({ onProgress: progress });
  try {
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    const names = Array.from({ length: SERVICES }, (_, i) => `svc${String(i).padStart(2, '0')}`);
    progress(`provisioning ${SERVICES} services × ${TASKS} tasks`);
    const world = await provisionWorld(moto.endpoint, { services: names.map((name) => ({ name, tasks: TASKS })) });
    const replay = taskReplay(world, { seed: 10_000 });
    progress(`${replay.events.length} events (${replay.duplicated} duplicated, ${replay.reordered} reordered)`);
    useWorldEnvironment(world, writeConfig(CONFIG));
    // Two containers: each import of the handler under its own URL has its own version memory and caches.
    type TaskHandler = typeof import('#functions/task-state-change/handler.js');
    const container = (n: number) =>
      import(`../functions/task-state-change/handler.js?container=${n}`) as Promise<TaskHandler>;
    const containers = [await container(1), await container(2)];
    const mutations: RecordedMutation[] = [];
    (await import('#shared/aws/elbv2.js')).elbv2Client.middlewareStack.use(recordMutations(mutations));
    // moto takes longer than AWS over a batch of 1,000: the deadline would cut it short, and that is not measured.
    const context = {
      ...lambdaContext('task-state-change', { account: world.account, region: world.region }),
      getRemainingTimeInMillis: () => 900_000,
    };
    let failedMessages = 0;
    const started = performance.now();
    for (let i = 0; i * BATCH < replay.events.length; i++) {
      const events = deliveredNow(replay.events.slice(i * BATCH, (i + 1) * BATCH));
      const batch = queuedBatch(events, world.region, world.account);
      const answer = await containers[i % 2]?.handler(batch as never, { ...context, awsRequestId: `replay-${i}` });
      failedMessages += answer?.batchItemFailures.length ?? 0;
      progress(`batch ${i + 1} of ${Math.ceil(replay.events.length / BATCH)}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const verdict = judgeReplay(world, replay, mutations);
    out(
      `| events | duplicated | reordered | stopping tasks | DeregisterTargets calls | extra removals | stale actions | missed | wall time |`,
    );
    out('|---|---|---|---|---|---|---|---|---|');
    out(
      `| ${verdict.events} | ${replay.duplicated} | ${replay.reordered} | ${replay.stopping.length} | ${verdict.deregisterCalls} | ${verdict.extraRemovals} | ${verdict.staleActions} | ${verdict.missedRemovals} | ${seconds.toFixed(1)} s |`,
    );
    out();
    const targets = [
      ['zero extra removals', verdict.extraRemovals],
      ['zero actions on a stale version', verdict.staleActions],
      ['every stopping task removed', verdict.missedRemovals],
      ['no message returned to the queue', failedMessages],
    ] as const;
    for (const [what, n] of targets) out(`- ${n === 0 ? 'met' : 'missed'}: ${what} (${n})`);
    process.exitCode = targets.every(([, n]) => n === 0) ? 0 : 1;
  } finally {
    await moto.stop();
  }
}

await main();
