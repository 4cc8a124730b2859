/**
 * A storm of task stops against moto behind our proxy, with the ELB and ECS rate limits AWS documents modelled:
 * 1,000 events (800 distinct stopped tasks of 10 services, 200 redeliveries, shuffled). Prints wall time, calls by
 * operation, throttles, target groups emptied and alerts, for the batched reaction with 1 and 10 containers, side by
 * side with a one-call-per-event handler as the floor. `npm run bench:storm`.
 */

import { startMotoProxy } from '#local/moto-proxy.js';
import { filterListTasksByService, modelRateLimits } from '#local/moto-proxy-rate-limits.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions, resetMoto, startMoto } from '#local/moto-server.js';
import { type RunOutcome, runBatched, runFloor } from './storm-runners.js';
import { StormTrace } from './storm-trace.js';
import { judgeEndState, provisionStorm, STORM, type Storm } from './storm-world.js';

process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
// moto on a shared machine answers a listing of 1,000 tasks slower than AWS: its latency is not what is measured.
process.env.AWS_REQUEST_TIMEOUT_MS ??= '30000';
const out = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`… ${line}\n`);

interface Column {
  name: string;
  run: (storm: Storm, endpoint: string, trace?: StormTrace) => Promise<RunOutcome>;
  batches: number;
}

const allColumns: Column[] = [
  { name: 'floor: 1 call/event, 10 workers', run: (s, e) => runFloor(s, 10, e), batches: STORM.services * 100 },
  { name: 'batched, 1 instance', run: (s, e, t) => runBatched(s, 1, e, t), batches: 1 },
  { name: 'batched, 10 instances', run: (s, e, t) => runBatched(s, 10, e, t), batches: 10 },
];

// STORM_ONLY=batched skips the floor (two minutes of throttled calls) while iterating on the batched reaction.
const columns = allColumns.filter((c) => !process.env.STORM_ONLY || c.name.startsWith(process.env.STORM_ONLY));

/** Stops an alert says it reports: "N tasks stopped" or one task. */
function stopsInAlert(body: string): number {
  const title = (JSON.parse(body) as { title?: string }).title ?? '';
  return Number(/: (\d+) tasks stopped/.exec(title)?.[1] ?? 1);
}

async function main() {
  const moto = await startMoto({ onProgress: progress });
  const proxy = await startMotoProxy(moto.endpoint);
  const rows: Record<string, string[]> = {};
  const judged: Array<{
    column: string;
    wall: number;
    describe: number;
    perGroup: number;
    surfaced: number;
    left: number;
    emptied: number;
    alerts: number;
    counted: number;
  }> = [];
  const row = (label: string, value: string | number) => {
    rows[label] = [...(rows[label] ?? []), String(value)];
  };
  try {
    for (const column of columns) {
      progress(`${column.name}: provisioning the storm's world`);
      await resetMoto(moto.endpoint);
      await manualTaskTransitions(moto.endpoint);
      const storm = await provisionStorm(moto.endpoint, progress);
      proxy.reset();
      const limits = modelRateLimits(proxy);
      filterListTasksByService(proxy, storm.serviceOfTask);
      // moto records no stoppingAt; ECS does, and the sweep takes only recent stops.
      stampStoppedTasks(proxy, new Date());
      const deregistrations = new Map<string, number>();
      proxy.addRule({
        name: 'count DeregisterTargets per target group',
        match: (call) => {
          const tg = (call.params as Record<string, string> | undefined)?.TargetGroupArn;
          if (call.operation === 'DeregisterTargets' && tg) deregistrations.set(tg, (deregistrations.get(tg) ?? 0) + 1);
          return false;
        },
      });

      // What the FIFO outbox keeps: one message per de-duplication id (its window outlasts the run).
      const alerts = new Map<string, string>();
      proxy.addRule({
        name: 'collect queued alerts',
        match: (call) => {
          const p = call.params as { MessageDeduplicationId?: string; MessageBody?: string } | undefined;
          if (call.operation === 'SendMessage' && p?.MessageDeduplicationId && !alerts.has(p.MessageDeduplicationId)) {
            alerts.set(p.MessageDeduplicationId, p.MessageBody ?? '{}');
          }
          return false;
        },
      });
      progress(`${column.name}: ${storm.events.length} events`);
      const trace = process.env.STORM_TRACE ? new StormTrace() : undefined;
      const started = performance.now();
      const outcome = await column.run(storm, proxy.endpoint, trace);
      const wallSeconds = (performance.now() - started) / 1000;
      for (const line of trace?.summary(started) ?? []) progress(`${column.name}: ${line}`);
      const calls = new Map<string, number>();
      for (const call of proxy.calls()) calls.set(call.operation, (calls.get(call.operation) ?? 0) + 1);
      const end = await judgeEndState(storm);
      const reported = [...alerts.values()].reduce((sum, body) => sum + stopsInAlert(body), 0);
      const distinct = STORM.services * STORM.stopping;
      const throttled = Object.values(limits.counts.throttled).reduce((a, b) => a + b, 0);

      row('wall time (s)', wallSeconds.toFixed(1));
      judged.push({
        column: column.name,
        wall: wallSeconds,
        describe: [...calls]
          .filter(([op]) => /^Describe(TargetHealth|TargetGroups|LoadBalancers|Listeners|Rules|Tags)$/.test(op))
          .reduce((a, [, n]) => a + n, 0),
        perGroup: outcome.writesPerGroupPerBatch,
        surfaced: outcome.surfaced.filter((s) => /Throttl|Rate exceeded/i.test(s)).length,
        left: end.stoppedLeft,
        emptied: end.emptied,
        alerts: alerts.size,
        counted: reported,
      });
      for (const op of [
        'DescribeTargetHealth',
        'DeregisterTargets',
        'DescribeServices',
        'ListTasks',
        'DescribeTasks',
      ]) {
        row(`calls: ${op}`, calls.get(op) ?? 0);
      }
      row(
        'calls: DynamoDB TransactWriteItems (sweep claims, report claims freeing a lease)',
        calls.get('TransactWriteItems') ?? 0,
      );
      row('calls: DynamoDB UpdateItem + DeleteItem', (calls.get('UpdateItem') ?? 0) + (calls.get('DeleteItem') ?? 0));
      row(
        'calls: DynamoDB BatchGetItem + GetItem (sweep results)',
        (calls.get('BatchGetItem') ?? 0) + (calls.get('GetItem') ?? 0),
      );
      row('calls: SQS SendMessage (alerts)', calls.get('SendMessage') ?? 0);
      row('max DeregisterTargets per target group', Math.max(0, ...deregistrations.values()));
      row('batches per delivery round', column.batches);
      row('throttled answers (absorbed by retries)', throttled);
      row('throttling errors surfaced', outcome.surfaced.filter((s) => /Throttl|Rate exceeded/i.test(s)).length);
      row('other errors surfaced', outcome.surfaced.filter((s) => !/Throttl|Rate exceeded/i.test(s)).length);
      row('messages lost to the DLQ', outcome.lost);
      for (const why of new Set(outcome.surfaced.slice(0, 50))) progress(`${column.name}: surfaced: ${why}`);
      row('target groups emptied', end.emptied);
      row("stopped tasks' targets still registered", end.stoppedLeft);
      row('alerts queued (after the outbox de-duplication)', alerts.size);
      row('alert threads (incidents)', new Set([...alerts.values()].map((b) => JSON.parse(b).incidentId)).size);
      row(`stops the alerts count (exact: ${distinct})`, reported);
    }
  } finally {
    await proxy.stop();
    await moto.stop();
  }

  const labelWidth = Math.max(...Object.keys(rows).map((l) => l.length));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...Object.values(rows).map((r) => r[i]?.length ?? 0)));
  const line = (label: string, cells: string[]) =>
    out(`${label.padEnd(labelWidth)} | ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')}`);
  out();
  out(
    `Storm: ${STORM.services} services × ${STORM.tasks} tasks, ${STORM.services * STORM.stopping} stopped, ${STORM.redeliveries} redeliveries, shuffled; ELB Describe* 40 burst + 10/s, ELB (De)RegisterTargets 40 + 10/s (assumed), ECS reads 50 + 20/s per API`,
  );
  line(
    '',
    columns.map((c) => c.name),
  );
  for (const [label, cells] of Object.entries(rows)) line(label, cells);

  // The row `npm run bench` shows, and the verdicts of the batched reaction against the storm's targets.
  const wall = (prefix: string) => judged.find((j) => j.column.startsWith(prefix))?.wall.toFixed(1) ?? '-';
  const events = STORM.services * STORM.stopping + STORM.redeliveries;
  out();
  out('| storm | floor (1 call/event) | batched, 1 instance | batched, 10 instances |');
  out('|---|---|---|---|');
  out(
    `| ${events} events, ${STORM.services} services: wall time (s) | ${wall('floor')} | ${wall('batched, 1')} | ${wall('batched, 10')} |`,
  );
  out();
  let missed = 0;
  const verdict = (ok: boolean, text: string) => {
    if (!ok) missed += 1;
    out(`- ${ok ? 'met' : 'missed'}: ${text}`);
  };
  const distinct = STORM.services * STORM.stopping;
  for (const j of judged.filter((x) => x.column.startsWith('batched'))) {
    verdict(j.wall <= 10, `${j.column}: ${j.wall.toFixed(1)} s wall (target ≤ 10 s)`);
    verdict(j.describe <= 100, `${j.column}: ${j.describe} ELB Describe calls (target ≤ 100)`);
    verdict(
      j.perGroup <= 1,
      `${j.column}: at most ${j.perGroup} DeregisterTargets per target group per batch (target ≤ 1)`,
    );
    verdict(j.surfaced === 0, `${j.column}: ${j.surfaced} throttling errors surfaced (target 0)`);
    verdict(
      j.left === 0 && j.emptied === 0,
      `${j.column}: ${j.left} stopped targets left, ${j.emptied} groups emptied (target 0, 0)`,
    );
    verdict(
      j.alerts <= STORM.services && j.counted === distinct,
      `${j.column}: ${j.alerts} alerts counting ${j.counted} stops (target ≤ ${STORM.services}, exactly ${distinct})`,
    );
  }
  process.exitCode = missed === 0 ? 0 : 1;
}

await main();
