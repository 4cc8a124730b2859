import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DeregisterTargetsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Context } from 'aws-lambda';
import type { startMotoProxy } from '#local/moto-proxy.js';
import { deliverOutbox } from '#local/pipeline.js';
import { receiveAlerts, type World, type WorldTask } from '#local/world.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { deliveredAs, lambdaContext } from '../../cli/replay.js';
import { type Claim, checkClaims } from './claims.js';
import { bold, dim, membership, out, printAlerts, printAudit, say } from './print.js';

export type Handlers = Awaited<ReturnType<typeof loadHandlers>>;

/**
 * Imports the functions' real handlers; `instance` gives a new module instance, as a new Lambda container would. Each
 * is invoked as if deployed in `home` (the world's account and region), whose events are the only ones acted on.
 */
export async function loadHandlers(instance: string, home: { account: string; region: string }) {
  type TaskStateChangeModule = typeof import('#functions/task-state-change/handler.js');
  const url = new URL('../../functions/task-state-change/handler.ts', import.meta.url);
  if (instance) url.searchParams.set('container', instance);
  const taskStateChange: TaskStateChangeModule = await import(url.href);
  const alarm = await import('#functions/alarm-state-change/handler.js');
  const reconciler = await import('#functions/reconciler/handler.js');
  const serviceEvent = await import('#functions/service-event/handler.js');
  const notifier = await import('#functions/notifier/handler.js');
  const { awsCalls } = await import('#shared/aws/call-meter.js');
  const context = (name: string): Context => lambdaContext(name, home);
  return {
    // Delivered as the task-events queue does (a batch of one, or `asQueued`, the queue's message carrying it, for a
    // redelivery of the same message), in the event's own account and region.
    taskStateChange: (event: unknown, asQueued?: unknown) => {
      const { account, region } = event as { account: string; region: string };
      const home = lambdaContext('task-state-change', { account, region });
      return taskStateChange.handler((asQueued ?? deliveredAs('task-state-change', event)) as never, home);
    },
    alarm: (event: unknown) => alarm.handler(event as never, context('alarm-state-change')),
    reconciler: (event: unknown) => reconciler.handler(event as never, context('reconciler')),
    serviceEvent: (event: unknown) => serviceEvent.handler(event as never, context('service-event')),
    notifier: notifier.handler,
    awsCalls,
  };
}

/** The local AWS, its world and the handlers every scenario plays on. */
export interface Stage {
  world: World;
  proxy: Awaited<ReturnType<typeof startMotoProxy>>;
  handlers: Handlers;
  /** Stops a task in ECS as ECS would after its essential container exited. */
  stopInEcs(task: WorldTask): Promise<unknown>;
  /** Deregisters a task's targets as ECS does for a routine stop (moto does not). */
  drainAsEcsWould(task: WorldTask, service: string): Promise<unknown>;
}

export function stageOf(world: World, proxy: Stage['proxy'], handlers: Handlers): Stage {
  const ecs = new ECSClient({ endpoint: proxy.endpoint, region: world.region });
  const elbv2 = new ElasticLoadBalancingV2Client({ endpoint: proxy.endpoint, region: world.region });
  return {
    world,
    proxy,
    handlers,
    stopInEcs: (task) =>
      ecs.send(
        new StopTaskCommand({ cluster: 'prod', task: task.taskArn, reason: 'Essential container in task exited' }),
      ),
    drainAsEcsWould: (task, service) =>
      Promise.all(
        (world.services[service]?.targetGroupArns ?? []).map((tg) =>
          elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: task.ip, Port: task.port }] })),
        ),
      ),
  };
}

/** What a scenario's reaction returned: the executor's audit, why it ignored the event, and the handlers it used. */
export interface Played {
  audit: readonly AuditRecord[];
  ignored?: string;
  handlers?: Handlers;
}

/** One thing that happens to the world, the reaction to it, and what its title claims about that reaction. */
export interface Scenario {
  title: string;
  claims: readonly Claim[];
  /** The service whose target groups are shown before and after. */
  service?: string;
  play(stage: Stage): Promise<Played>;
}

/** Plays a scenario, prints what the executor and the alerts said, and checks the title's claims against it. */
export async function runScenario(stage: Stage, number: number, scenario: Scenario): Promise<void> {
  const title = `${number}. ${scenario.title}`;
  out();
  out(bold(`━━ ${title}`));
  if (scenario.service) say('before', await membership(stage.world, scenario.service));
  const played = await scenario.play(stage);
  if (played.ignored) say('no action', played.ignored);
  printAudit(played.audit);
  if (scenario.service) say('after', await membership(stage.world, scenario.service));
  const handlers = played.handlers ?? stage.handlers;
  const total = handlers.awsCalls.total();
  const calls = Object.entries(handlers.awsCalls.snapshot()).map(([op, n]) => `${op} ${n}`);
  say('aws calls', `${total}${total ? dim(` (${calls.join(', ')})`) : ''}`);
  await deliverOutbox(stage.world, handlers.notifier);
  const alerts = await receiveAlerts(stage.world);
  printAlerts(alerts);
  checkClaims(title, scenario.claims, { ...played, alerts });
}
