/**
 * AWS calls and time per event, for each kind of event the product reacts to, through the real handlers on moto:
 * `npm run bench:events`. Each function runs in a fresh process (one Lambda container): its first event is the cold
 * one, the next `EVENTS_WARM` (default 20) are warm. A canary tick is driven as the canary-promoter's schedule does,
 * counted at the proxy. Prints one table and a verdict line per target; exits 1 when one is missed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { startMotoProxy } from '#local/moto-proxy.js';
import { manualTaskTransitions, resetMoto, startMoto } from '#local/moto-server.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, type World } from '#local/world.js';
import { clients } from '#local/world-clients.js';
import { alarmConfig } from '#test/support/alarm-config.js';
import { loadEvent } from '#test/support/fixtures.js';
import type { ReplayFunction } from '../cli/replay.js';
import type { EventCost, EventRunSpec } from './events-child.js';

process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
const WARM = Number(process.env.EVENTS_WARM ?? 20);
const root = resolve(import.meta.dirname, '..');
const out = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`… ${line}\n`);

const SERVICES_YAML = (services: string[]) =>
  `version: 1\nclusters:\n  - name: prod\n    services:\n${services.map((s) => `      - name: ${s}\n`).join('')}`;

interface EventKind {
  name: string;
  fn: ReplayFunction;
  /** The most AWS calls a warm event of this kind may make, where a target is set (README "Performance"). */
  warmTarget?: number;
  setup(endpoint: string): Promise<{ world: World; configYaml: string; events: unknown[] }>;
}

const kinds: EventKind[] = [
  {
    name: 'task stop (1 target group), its target still registered',
    fn: 'task-state-change',
    // The floor (one DeregisterTargets and one SendMessage) and at most one read.
    warmTarget: 3,
    async setup(endpoint) {
      const world = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: WARM + 6 }] });
      const tasks = world.services.web?.tasks.slice(0, WARM + 1) ?? [];
      return { world, configYaml: SERVICES_YAML(['web']), events: tasks.map((t) => taskStateChangeEvent(world, t)) };
    },
  },
  {
    name: 'task stop, ECS already deregistered it',
    fn: 'task-state-change',
    warmTarget: 3,
    async setup(endpoint) {
      const world = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: WARM + 6 }] });
      const web = world.services.web;
      const tasks = web?.tasks.slice(0, WARM + 1) ?? [];
      // What ECS does before a task is STOPPED (moto does not): its targets leave the group while it deactivates.
      await clients(endpoint).elbv2.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: web?.targetGroupArns[0],
          Targets: tasks.map((t) => ({ Id: t.ip, Port: t.port })),
        }),
      );
      return { world, configYaml: SERVICES_YAML(['web']), events: tasks.map((t) => taskStateChangeEvent(world, t)) };
    },
  },
  {
    name: "task stop, ECS's first event (ENI attached)",
    fn: 'task-state-change',
    async setup(endpoint) {
      const world = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: WARM + 6 }] });
      const tasks = world.services.web?.tasks.slice(0, WARM + 1) ?? [];
      const first = { lastStatus: 'RUNNING', version: 2 };
      return {
        world,
        configYaml: SERVICES_YAML(['web']),
        events: tasks.map((t) => taskStateChangeEvent(world, t, first)),
      };
    },
  },
  {
    name: 'alarm (notify-only rule)',
    fn: 'alarm-state-change',
    async setup(endpoint) {
      const world = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: 2 }] });
      const configYaml = alarmConfig([{ alarmName: '-notify$', reaction: 'notify-only' }]);
      const events = [...Array(WARM + 1).keys()].map((i) =>
        alarmStateChangeEvent(world, { alarmName: `prod-web-${i}-notify`, subject: { service: 'web' } }),
      );
      return { world, configYaml, events };
    },
  },
  {
    name: 'service event (placement failure)',
    fn: 'service-event',
    async setup(endpoint) {
      const world = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: 2 }] });
      const events = [...Array(WARM + 1).keys()].map(() => {
        const event = loadEvent('service-task-placement-failure') as Record<string, unknown> & {
          detail: Record<string, unknown>;
        };
        const at = new Date().toISOString();
        Object.assign(event, {
          id: crypto.randomUUID(),
          time: at.replace(/\.\d{3}Z$/, 'Z'),
          account: world.account,
          resources: [world.services.web?.serviceArn],
        });
        Object.assign(event.detail, { clusterArn: world.clusterArn, createdAt: at });
        return event;
      });
      return { world, configYaml: SERVICES_YAML(['web']), events };
    },
  },
  {
    name: 'reconciler sweep (2 services)',
    fn: 'reconciler',
    async setup(endpoint) {
      const world = await provisionWorld(endpoint, {
        services: [
          { name: 'web', tasks: 3 },
          { name: 'api', tasks: 3 },
        ],
      });
      const events = [...Array(WARM + 1).keys()].map((i) => scheduledEvent(world, new Date(Date.now() + i * 1000)));
      return { world, configYaml: SERVICES_YAML(['web', 'api']), events };
    },
  },
];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
const median = (values: number[]) => percentile(values, 50);

/** One row of the table: calls cold and warm (median of the warm events), time p50/p95 of the warm ones. */
export interface EventRow {
  kind: string;
  coldCalls: number;
  warmCalls: number;
  coldMs: number;
  p50Ms: number;
  p95Ms: number;
  warmTarget?: number;
  breakdown: string;
}

function rowOf(name: string, costs: EventCost[], warmTarget?: number): EventRow {
  const [cold, ...warm] = costs;
  const warmCalls = median(warm.map((c) => total(c.calls)));
  const typical = warm.find((c) => total(c.calls) === warmCalls) ?? cold;
  const breakdown = Object.entries(typical?.calls ?? {})
    .map(([op, n]) => `${op.replace(/^[A-Za-z0-9]+\./, '')} ${n}`)
    .join(', ');
  return {
    kind: name,
    coldCalls: total(cold?.calls ?? {}),
    warmCalls,
    coldMs: cold?.ms ?? 0,
    p50Ms: percentile(
      warm.map((c) => c.ms),
      50,
    ),
    p95Ms: percentile(
      warm.map((c) => c.ms),
      95,
    ),
    ...(warmTarget !== undefined && { warmTarget }),
    breakdown,
  };
}

/** Runs every kind of event on a moto of its own and returns the rows. */
export async function measureEvents(): Promise<EventRow[]> {
  const moto = await startMoto({ onProgress: progress });
  const proxy = await startMotoProxy(moto.endpoint);
  const rows: EventRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ecs-autopilot-bench-events-'));
  try {
    for (const kind of kinds) {
      progress(`${kind.name}: provisioning`);
      await resetMoto(moto.endpoint);
      await manualTaskTransitions(moto.endpoint);
      const { world, configYaml, events } = await kind.setup(proxy.endpoint);
      const file = join(dir, `${kind.fn}.json`);
      writeFileSync(file, JSON.stringify({ fn: kind.fn, world, configYaml, events } satisfies EventRunSpec));
      progress(`${kind.name}: 1 cold and ${events.length - 1} warm events`);
      // Asynchronously: the proxy the child calls through runs in this process.
      const run = await promisify(execFile)('npx', ['tsx', join(root, 'bench/events-child.ts'), file], {
        cwd: root,
        encoding: 'utf8',
        // moto on a loaded machine answers slower than AWS: its latency is not what is measured, its calls are.
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: proxy.endpoint,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          AWS_REQUEST_TIMEOUT_MS: process.env.AWS_REQUEST_TIMEOUT_MS ?? '30000',
        },
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: Error & { stderr?: string }) => {
        throw new Error(`${kind.name}: the function's run failed: ${error.stderr?.slice(-2000) ?? error.message}`);
      });
      const last = run.stdout.trim().split('\n').pop() ?? '';
      if (!last.startsWith('['))
        throw new Error(`${kind.name}: the function printed no costs: ${run.stderr.slice(-2000)}`);
      rows.push(rowOf(kind.name, JSON.parse(last) as EventCost[], kind.warmTarget));
    }
    progress('canary tick: provisioning');
    await resetMoto(moto.endpoint);
    // Loaded here, once the product's logger is silenced: the canary driver logs through it.
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const { measureCanaryTicks } = await import('./canary-ticks.js');
    const ticks = await measureCanaryTicks(proxy, WARM + 1);
    rows.push(rowOf('canary tick (1 canary)', ticks));
  } finally {
    await proxy.stop();
    await moto.stop();
  }
  return rows;
}

/** The table's lines and the verdict of each target. */
export function eventTable(rows: EventRow[]) {
  const lines = [
    '| event | AWS calls cold | AWS calls warm | warm calls | cold ms | warm p50 ms | warm p95 ms |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.kind} | ${r.coldCalls} | ${r.warmCalls}${r.warmTarget === undefined ? '' : ` (target ≤ ${r.warmTarget})`} | ${r.breakdown} | ${r.coldMs.toFixed(0)} | ${r.p50Ms.toFixed(0)} | ${r.p95Ms.toFixed(0)} |`,
    ),
  ];
  const judged = rows.filter((r) => r.warmTarget !== undefined);
  const met = (r: EventRow) => r.warmCalls <= (r.warmTarget ?? Number.POSITIVE_INFINITY);
  const verdicts = judged.map(
    (r) => `- ${met(r) ? 'met' : 'missed'}: ${r.kind}, ${r.warmCalls} AWS calls warm (target ≤ ${r.warmTarget})`,
  );
  return { lines, verdicts, ok: judged.every(met) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const table = eventTable(await measureEvents());
  out(`AWS calls and time per event on moto (${WARM} warm events each, one process per function)`);
  out();
  for (const line of table.lines) out(line);
  out();
  for (const line of table.verdicts) out(line);
  process.exitCode = table.ok ? 0 : 1;
}
