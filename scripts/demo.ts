/**
 * The main job, locally: a moto server (with our proxy in front, for what moto cannot model), a small world (an ALB,
 * two services of three tasks), real-shaped events fed through the real Lambda handlers, and a timeline a person can
 * read: event → plan → actions → target-group membership after → the alert as it reads in chat. `npm run demo`.
 */
import { styleText } from 'node:util';
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DeregisterTargetsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Context } from 'aws-lambda';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { startMotoProxy } from '#local/moto-proxy.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions, startMoto } from '#local/moto-server.js';
import { deliverOutbox, useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { type TaskEventOverrides, taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, receiveAlerts, targetsOf, type World, type WorldTask } from '#local/world.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { lambdaContext } from '../cli/replay.js';

const INDENT = ' '.repeat(11);
const out = (line = '') => process.stdout.write(`${line}\n`);
const dim = (s: string) => styleText('dim', s);
const bold = (s: string) => styleText('bold', s);
const label = (name: string) => styleText('cyan', name.padEnd(11));
const lines = (items: string[]) => items.join(`\n${INDENT}`);

const CONFIG = `
version: 1
alarms:
  - alarmName: "-unhealthy-hosts$"
    reaction: deregister-unhealthy
    minHealthy: 1
    stopTasks: true
  - alarmName: "-cpu-high$"
    reaction: scale-out
    step: 1
    cooldownSeconds: 300
  - alarmName: "-cpu-low$"
    reaction: scale-in
    step: 1
    cooldownSeconds: 300
clusters:
  - name: prod
    services:
      - name: web
        scaling: { minCount: 2, maxCount: 6 }
      - name: api
`;

type Handlers = Awaited<ReturnType<typeof loadHandlers>>;

/** Imports the functions' real handlers; `instance` gives a new module instance, as a new Lambda container would. */
async function loadHandlers(instance: string) {
  type TaskStateChangeModule = typeof import('#functions/task-state-change/handler.js');
  const url = new URL('../functions/task-state-change/handler.ts', import.meta.url);
  if (instance) url.searchParams.set('container', instance);
  const taskStateChange: TaskStateChangeModule = await import(url.href);
  const alarm = await import('#functions/alarm-state-change/handler.js');
  const reconciler = await import('#functions/reconciler/handler.js');
  const serviceEvent = await import('#functions/service-event/handler.js');
  const notifier = await import('#functions/notifier/handler.js');
  const { awsCalls } = await import('#shared/aws/call-meter.js');
  const context = (name: string): Context => lambdaContext(name);
  return {
    taskStateChange: (event: unknown) => taskStateChange.handler(event as never, context('task-state-change')),
    alarm: (event: unknown) => alarm.handler(event as never, context('alarm-state-change')),
    reconciler: (event: unknown) => reconciler.handler(event as never, context('reconciler')),
    serviceEvent: (event: unknown) => serviceEvent.handler(event as never, context('service-event')),
    notifier: notifier.handler,
    awsCalls,
  };
}

async function membership(world: World, service: string): Promise<string> {
  const rows: string[] = [];
  for (const tg of world.services[service]?.targetGroupArns ?? []) {
    const targets = await targetsOf(world, tg);
    rows.push(`${tg.split('/')[1]}: ${targets.map((t) => `${t.id}:${t.port} ${t.state}`).join(', ') || '(empty)'}`);
  }
  return lines(rows);
}

function printPlan(planned: string[]): void {
  if (planned.length) out(`${label('plan')}${lines(planned)}`);
}

function printAudit(audit: AuditRecord[]): void {
  const marks = {
    applied: '✓',
    'already-done': '=',
    'dry-run': '○',
    blocked: '⛔',
    duplicate: '=',
    skipped: '–',
    failed: '✗',
  };
  for (const record of audit) {
    const detail = record.guard
      ? `guardrail ${record.guard.rule}: ${record.guard.why}`
      : (record.verification?.evidence ?? record.error ?? '');
    out(
      `${label('action')}${marks[record.outcome]} ${record.outcome}: ${record.description}${detail ? dim(` (${detail})`) : ''}`,
    );
  }
}

/** The AWS calls of the last invocation, then every alert it queued, as they read in the chat channel. */
async function printCallsAndAlerts(world: World, handlers: Handlers): Promise<void> {
  const total = handlers.awsCalls.total();
  const calls = Object.entries(handlers.awsCalls.snapshot()).map(([op, n]) => `${op} ${n}`);
  out(`${label('aws calls')}${total}${total ? dim(` (${calls.join(', ')})`) : ''}`);
  await deliverOutbox(world, handlers.notifier);
  const alerts = await receiveAlerts(world);
  if (alerts.length === 0) out(`${label('alert')}none`);
  for (const alert of alerts) {
    const message = alert.message as { content: { title?: string; description: string; nextSteps?: string[] } };
    const text = [
      bold(message.content.title ?? ''),
      ...message.content.description
        .replaceAll('*', '')
        .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1 ↗')
        .split('\n')
        .filter((line) => line.trim() !== ''),
      ...(message.content.nextSteps?.length
        ? ['Next steps:', ...message.content.nextSteps.map((s) => `  - ${s}`)]
        : []),
    ];
    out(`${label('alert')}published to SNS; as it reads in chat:`);
    out(`${INDENT}┌ ${text[0]}`);
    for (const line of text.slice(1)) out(`${INDENT}│ ${line}`);
    const attributes = Object.entries(alert.attributes).map(([k, v]) => `${k}=${v}`);
    out(`${INDENT}└ ${dim(attributes.join(' '))}`);
  }
}

async function taskScenario(
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
  const stop = `${detail.stopCode ? `, ${detail.stopCode}` : ''}${detail.stoppedReason ? `: "${detail.stoppedReason}"` : ''}`;
  out(
    `${label('event')}ECS Task State Change v${detail.version}: ${detail.lastStatus} (desired ${detail.desiredStatus})${stop}`,
  );
  const reaction = await handlers.taskStateChange(event);
  if (reaction.classification) {
    const { kind, severity, summary } = reaction.classification;
    out(`${label('classified')}${kind} · ${severity}: ${summary}`);
  }
  if (reaction.ignored) out(`${label('no action')}${reaction.ignored}`);
  if (reaction.plan) {
    printPlan(
      reaction.plan.actions.length
        ? reaction.plan.actions.map(
            (a) =>
              `deregister ${a.targets.map((t) => `${t.id}:${t.port}`).join(', ')} from ${a.targetGroupArn.split('/')[1]}`,
          )
        : reaction.plan.notes.map((n) => `nothing: ${n.replace(/^arn:\S+targetgroup\/([^/]+)\/\S+:/, '$1:')}`),
    );
  }
  printAudit(reaction.audit);
  out(`${label('after')}${await membership(world, service)}`);
  await printCallsAndAlerts(world, handlers);
  return event;
}

async function alarmScenario(
  world: World,
  handlers: Handlers,
  title: string,
  event: ReturnType<typeof alarmStateChangeEvent>,
) {
  out();
  out(bold(`━━ ${title}`));
  const { alarmName, previousState, state } = event.detail;
  out(`${label('event')}CloudWatch Alarm State Change: ${alarmName} ${previousState.value} → ${state.value}`);
  out(`${label('before')}${await membership(world, 'web')}`);
  const reaction = await handlers.alarm(event);
  if (reaction.ignored) out(`${label('no action')}${reaction.ignored}`);
  if (reaction.reaction)
    out(
      `${label('rule')}${reaction.reaction}${reaction.service ? ` on ${reaction.service.clusterName}/${reaction.service.serviceName}` : ''}`,
    );
  printPlan(reaction.plan?.notes ?? []);
  printAudit(reaction.audit);
  out(`${label('after')}${await membership(world, 'web')}`);
  await printCallsAndAlerts(world, handlers);
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
  const proxy = await startMotoProxy(moto.endpoint);
  try {
    // The handlers talk to moto through our proxy, which models what moto cannot (unhealthy targets, stop times).
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    await manualTaskTransitions(moto.endpoint);
    out(
      dim(
        `› moto server ready at ${moto.endpoint} (proxy ${proxy.endpoint}); provisioning an ALB, cluster prod, services web and api…`,
      ),
    );
    const world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 5, targetGroups: 2 },
        { name: 'api', tasks: 3 },
      ],
    });
    out(`${label('web')}${await membership(world, 'web')}`);
    out(`${label('api')}${await membership(world, 'api')}`);
    useWorldEnvironment(world, writeConfig(CONFIG));
    const handlers = await loadHandlers('');
    const [web0, web1, web2, web3] = (world.services.web?.tasks ?? []) as [WorldTask, WorldTask, WorldTask, WorldTask];
    const [api0, api1, api2] = (world.services.api?.tasks ?? []) as [WorldTask, WorldTask, WorldTask];

    // Events come from real stops: stop the task in moto as ECS would, then deliver the event.
    const ecs = new ECSClient({ endpoint: proxy.endpoint, region: world.region });
    const stopInEcs = (task: WorldTask) =>
      ecs.send(
        new StopTaskCommand({ cluster: 'prod', task: task.taskArn, reason: 'Essential container in task exited' }),
      );
    // moto does not drain a routinely stopped task's targets as ECS does: do it for the scale-in scenario.
    const elbv2 = new ElasticLoadBalancingV2Client({ endpoint: proxy.endpoint, region: world.region });
    const drainAsEcsWould = (task: WorldTask, service: string) =>
      Promise.all(
        (world.services[service]?.targetGroupArns ?? []).map((tg) =>
          elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: task.ip, Port: task.port }] })),
        ),
      );

    out();
    out(bold('Task failures'));
    await stopInEcs(web0);
    const oom = await taskScenario(
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
    await taskScenario(world, handlers, '2. EventBridge delivers the same event again', 'web', web0, {
      duplicateOf: oom,
    });
    await taskScenario(
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
    await stopInEcs(api0);
    await taskScenario(world, handlers, '4. An api task fails its ELB health checks (warm container)', 'api', api0, {
      lastStatus: 'RUNNING',
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Task failed ELB health checks in (target-group ${world.services.api?.targetGroupArns[0]})`,
      exitCode: null,
    });
    await stopInEcs(api1);
    await drainAsEcsWould(api1, 'api');
    await taskScenario(world, handlers, '5. An api task is stopped by a routine scale-in', 'api', api1, {
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Scaling activity initiated by (deployment ${world.services.api?.deploymentId})`,
      exitCode: 0,
    });
    await taskScenario(world, handlers, '6. A standalone task (not part of a service) stops', 'api', api2, {
      group: 'family:nightly-report',
    });

    process.env.AUTOPILOT_DRY_RUN = 'true';
    const dryRun = await loadHandlers('dry-run');
    await taskScenario(
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
    out(bold('Alarms'));
    const webTg = world.services.web?.targetGroupArns[0] as string;
    proxy.setTargetHealth(webTg, { id: web2.ip, port: web2.port }, 'unhealthy', 'Target.ResponseCodeMismatch');
    await alarmScenario(
      world,
      handlers,
      '8. An ALB alarm: one web target fails its health checks (the proxy makes moto say so)',
      alarmStateChangeEvent(world, { alarmName: 'prod-web-unhealthy-hosts', subject: { targetGroupArn: webTg } }),
    );
    const cpu = (name: string, offsetMs: number) =>
      alarmStateChangeEvent(world, {
        alarmName: name,
        subject: { service: 'web' },
        at: new Date(Date.now() + offsetMs).toISOString(),
      });
    await alarmScenario(
      world,
      handlers,
      '9. CPU is high on web: scale out within the configured bounds',
      cpu('prod-web-cpu-high', 0),
    );
    await alarmScenario(
      world,
      handlers,
      '10. CPU is high again a minute later: the cooldown refuses',
      cpu('prod-web-cpu-high', 60_000),
    );
    await alarmScenario(
      world,
      handlers,
      '11. CPU is low: scale in (the other direction has its own cooldown)',
      cpu('prod-web-cpu-low', 120_000),
    );

    out();
    out(bold('Reconciliation'));
    out();
    out(bold('━━ 12. A task stopped and its stop event was lost: the scheduled sweep finds the orphan target'));
    await stopInEcs(web3);
    stampStoppedTasks(proxy, new Date(Date.now() - 30 * 60_000));
    out(`${label('before')}${await membership(world, 'web')}`);
    const run = await handlers.reconciler(scheduledEvent(world));
    out(
      `${label('observed')}${run.services.map((s) => `${s.serviceName}: ${s.running} running, ${s.stopped} stopped`).join('; ')}; ${run.targetGroups} target groups`,
    );
    printAudit(run.audit);
    out(`${label('after')}${await membership(world, 'web')}`);
    await printCallsAndAlerts(world, handlers);

    out();
    out(bold('Service events'));
    out();
    out(bold('━━ 13. A deployment of web fails and the circuit breaker rolls it back'));
    const rollback = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'ECS Deployment State Change',
      source: 'aws.ecs',
      account: world.account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: world.region,
      resources: [world.services.web?.serviceArn],
      detail: {
        eventType: 'ERROR',
        eventName: 'SERVICE_DEPLOYMENT_FAILED',
        deploymentId: 'ecs-svc/8261420178316738291',
        updatedAt: new Date().toISOString(),
        reason:
          'ECS deployment circuit breaker: tasks failed to start. Rolling back to deploymentId ecs-svc/1111111111111111111.',
      },
    };
    out(`${label('event')}ECS Deployment State Change: SERVICE_DEPLOYMENT_FAILED: "${rollback.detail.reason}"`);
    const reaction = await handlers.serviceEvent(rollback);
    if (reaction.ignored) out(`${label('no action')}${reaction.ignored}`);
    await printCallsAndAlerts(world, handlers);

    out();
    out(bold(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`));
  } finally {
    await proxy.stop();
    await moto.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
