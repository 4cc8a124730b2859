/**
 * The main job, locally: a moto server, a small world (an ALB, two services of three tasks), real-shaped events fed
 * through the real Lambda handlers, and a timeline a person can read. `npm run demo`.
 */
import { styleText } from 'node:util';
import type { Context } from 'aws-lambda';
import { startMoto } from '#local/moto-server.js';
import { deliverOutbox, useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import { type TaskEventOverrides, taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, receiveAlerts, targetsOf, type World, type WorldTask } from '#local/world.js';
import { lambdaContext } from '../cli/replay.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const dim = (s: string) => styleText('dim', s);
const bold = (s: string) => styleText('bold', s);
const label = (name: string) => styleText('cyan', name.padEnd(11));

const CONFIG = `
version: 1
clusters:
  - name: prod
    services:
      - name: web
      - name: api
`;

type Handlers = Awaited<ReturnType<typeof loadHandlers>>;

/** Imports the functions' real handlers; `instance` gives a new module instance, as a new Lambda container would. */
async function loadHandlers(instance: string) {
  type TaskStateChangeModule = typeof import('#functions/task-state-change/handler.js');
  const url = new URL('../functions/task-state-change/handler.ts', import.meta.url);
  if (instance) url.searchParams.set('container', instance);
  const taskStateChange: TaskStateChangeModule = await import(url.href);
  const notifier = await import('#functions/notifier/handler.js');
  const { awsCalls } = await import('#shared/aws/call-meter.js');
  const context: Context = lambdaContext('task-state-change');
  return {
    react: (event: unknown) => taskStateChange.handler(event as never, context),
    notifier: notifier.handler,
    awsCalls,
  };
}

async function membership(world: World, service: string): Promise<string> {
  const lines: string[] = [];
  for (const tg of world.services[service]?.targetGroupArns ?? []) {
    const targets = await targetsOf(world, tg);
    const name = tg.split('/')[1];
    lines.push(`${name}: ${targets.map((t) => `${t.id}:${t.port} ${t.state}`).join(', ') || '(empty)'}`);
  }
  return lines.join(`\n${' '.repeat(11)}`);
}

/** An alert as it reads in the chat channel: title, text, next steps, and the attributes subscribers filter on. */
function printAlert(alert: { message: unknown; attributes: Record<string, string> }): void {
  const message = alert.message as {
    content: { title?: string; description: string; nextSteps?: string[] };
  };
  const lines = [
    bold(message.content.title ?? ''),
    ...message.content.description
      .replaceAll('*', '')
      .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1 ↗')
      .split('\n')
      .filter((line) => line.trim() !== ''),
    ...(message.content.nextSteps?.length ? ['Next steps:', ...message.content.nextSteps.map((s) => `  - ${s}`)] : []),
  ];
  out(`${' '.repeat(11)}┌ ${lines[0]}`);
  for (const line of lines.slice(1)) out(`${' '.repeat(11)}│ ${line}`);
  out(
    `${' '.repeat(11)}└ ${dim(
      Object.entries(alert.attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    )}`,
  );
}

async function scenario(
  world: World,
  handlers: Handlers,
  title: string,
  service: string,
  task: WorldTask,
  overrides: TaskEventOverrides & { duplicateOf?: unknown } = {},
): Promise<unknown> {
  out();
  out(bold(`━━ ${title}`));
  const { duplicateOf, ...eventOverrides } = overrides;
  const event = duplicateOf ?? taskStateChangeEvent(world, task, eventOverrides);
  const detail = (
    event as {
      detail: { version: number; lastStatus: string; desiredStatus: string; stopCode?: string; stoppedReason?: string };
    }
  ).detail;
  out(
    `${label('event')}ECS Task State Change v${detail.version}: ${detail.lastStatus} (desired ${detail.desiredStatus})${detail.stopCode ? `, ${detail.stopCode}` : ''}${detail.stoppedReason ? `: "${detail.stoppedReason}"` : ''}`,
  );
  const reaction = await handlers.react(event);
  if (reaction.classification) {
    out(
      `${label('classified')}${reaction.classification.kind} · ${reaction.classification.severity}: ${reaction.classification.summary}`,
    );
  }
  if (reaction.ignored) out(`${label('no action')}${reaction.ignored}`);
  if (reaction.plan) {
    const planned = reaction.plan.actions.length
      ? reaction.plan.actions.map(
          (a) =>
            `deregister ${a.targets.map((t) => `${t.id}:${t.port}`).join(', ')} from ${a.targetGroupArn.split('/')[1]}`,
        )
      : reaction.plan.notes.map((n) => `nothing: ${n.replace(/^arn:\S+targetgroup\/([^/]+)\/\S+:/, '$1:')}`);
    out(`${label('plan')}${planned.join(`\n${' '.repeat(11)}`)}`);
  }
  for (const record of reaction.audit) {
    const mark = {
      applied: '✓',
      'already-done': '=',
      'dry-run': '○',
      blocked: '⛔',
      duplicate: '=',
      skipped: '–',
      failed: '✗',
    }[record.outcome];
    const detailText = record.verification?.evidence ?? record.guard?.why ?? record.error ?? '';
    out(
      `${label('action')}${mark} ${record.outcome}: ${record.description}${detailText ? dim(` (${detailText})`) : ''}`,
    );
  }
  out(`${label('after')}${await membership(world, service)}`);
  const calls = handlers.awsCalls.snapshot();
  const total = handlers.awsCalls.total();
  out(
    `${label('aws calls')}${total}${
      total
        ? dim(
            ` (${Object.entries(calls)
              .map(([op, n]) => `${op} ${n}`)
              .join(', ')})`,
          )
        : ''
    }`,
  );
  const delivered = await deliverOutbox(world, handlers.notifier);
  const alerts = await receiveAlerts(world);
  if (delivered === 0) out(`${label('alert')}none`);
  for (const alert of alerts) {
    out(`${label('alert')}published to SNS; as it reads in chat:`);
    printAlert(alert);
  }
  return event;
}

async function main(): Promise<void> {
  const started = Date.now();
  out(bold('ecs-autopilot demo: a local AWS (moto server) and the real Lambda handlers'));
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'demo';
  process.env.AWS_SECRET_ACCESS_KEY = 'demo';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  out(dim('› starting moto server…'));
  const moto = await startMoto({ onProgress: (line) => out(dim(`  ${line}`)) });
  try {
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    out(dim(`› moto server ready at ${moto.endpoint}; provisioning an ALB, cluster prod, services web and api…`));
    const world = await provisionWorld(moto.endpoint, {
      services: [
        { name: 'web', tasks: 3, targetGroups: 2 },
        { name: 'api', tasks: 3 },
      ],
    });
    out(`${label('web')}${await membership(world, 'web')}`);
    out(`${label('api')}${await membership(world, 'api')}`);
    useWorldEnvironment(world, writeConfig(CONFIG));
    const handlers = await loadHandlers('');
    const web = world.services.web?.tasks ?? [];
    const api = world.services.api?.tasks ?? [];
    const [web0, web1] = web as [WorldTask, WorldTask];
    const [api0, api1, api2] = api as [WorldTask, WorldTask, WorldTask];

    const oom = await scenario(
      world,
      handlers,
      '1. A web task is killed for memory: the first event of its stop (cold container)',
      'web',
      web0,
      {
        lastStatus: 'RUNNING',
        version: 3,
        exitCode: 137,
        containerReason: 'OutOfMemoryError: Container killed due to memory usage',
      },
    );
    await scenario(world, handlers, '2. EventBridge delivers the same event again', 'web', web0, { duplicateOf: oom });
    await scenario(
      world,
      handlers,
      '3. The same task reaches STOPPED (a later version): the work is already done',
      'web',
      web0,
      {
        lastStatus: 'STOPPED',
        version: 6,
        exitCode: 137,
        containerReason: 'OutOfMemoryError: Container killed due to memory usage',
      },
    );
    await scenario(world, handlers, '4. An api task fails its ELB health checks (warm container)', 'api', api0, {
      lastStatus: 'RUNNING',
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Task failed ELB health checks in (target-group ${world.services.api?.targetGroupArns[0]})`,
      exitCode: null,
    });
    await scenario(world, handlers, '5. An api task is stopped by a routine scale-in', 'api', api1, {
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Scaling activity initiated by (deployment ${world.services.api?.deploymentId})`,
      exitCode: 0,
    });
    await scenario(world, handlers, '6. A standalone task (not part of a service) stops', 'api', api2, {
      group: 'family:nightly-report',
    });

    process.env.AUTOPILOT_DRY_RUN = 'true';
    const dryRun = await loadHandlers('dry-run');
    await scenario(
      world,
      dryRun,
      '7. Dry run (AUTOPILOT_DRY_RUN=true): a web task cannot pull its image',
      'web',
      web1,
      {
        lastStatus: 'STOPPED',
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
        exitCode: null,
      },
    );
    delete process.env.AUTOPILOT_DRY_RUN;

    out();
    out(bold(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`));
  } finally {
    await moto.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
