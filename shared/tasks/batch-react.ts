import { Executor } from '../executor/executor.js';
import { deregisterTargets } from '../executor/kinds/elbv2.js';
import { currentTime } from '../lambda/clock.js';
import { countLostAlerts } from '../logging/metrics.js';
import type { Alert } from '../notify/alert.js';
import { enqueueAlert } from '../notify/outbox.js';
import type { ScreenedStop, TaskBatchDeps, TaskStopMessage } from './batch-types.js';
import { classifyStop } from './classify.js';
import { type CrashLoopNotice, stopsOfBatch } from './crash-loop/hook.js';
import { rememberHandledVersion } from './handled-versions.js';
import { screenTaskEvent } from './screen.js';
import { reactToServiceStops, type ServiceStops } from './service-stops.js';
import { settleSweeps } from './service-sweep.js';

/** The whole story of a batch: what was ignored and why, what each service's share did, and what must be retried. */
export interface TaskBatchReaction {
  ignored: Array<{ messageId: string; why: string }>;
  services: Array<ServiceStops & { alert?: Alert }>;
  /** Messages to give back to the queue (retried, then dead-lettered), each with why. */
  failures: Array<{ messageId: string; why: string }>;
}

/** The start of the incident window a time falls in: stops of one service within it share one alert thread. */
export function incidentWindowStart(at: Date, windowSeconds = 300): string {
  const ms = windowSeconds * 1000;
  return new Date(Math.floor(at.getTime() / ms) * ms).toISOString();
}

/**
 * observe → plan → guard → apply → verify → report for a batch of `ECS Task State Change` events: per service one
 * lookup and one read of its running tasks, per target group one read and at most one write under the group's lease,
 * per service one alert. A message is remembered as handled only once its alert is queued; a message whose work
 * failed is returned for a retry.
 */
export async function reactToTaskStopBatch(
  messages: readonly TaskStopMessage[],
  deps: TaskBatchDeps,
): Promise<TaskBatchReaction> {
  const { config, seen, logger } = deps;
  const now = deps.now ?? currentTime;
  const reaction: TaskBatchReaction = { ignored: [], services: [], failures: [] };
  const byService = new Map<string, ScreenedStop[]>();
  for (const message of messages) {
    const task = message.event.detail;
    const screening = screenTaskEvent(message.event, config, now(), seen.get(task.taskArn), deps.home);
    if (!screening.act) {
      reaction.ignored.push({ messageId: message.messageId, why: screening.why });
      continue;
    }
    const classification = classifyStop(task);
    if (classification.routine && !screening.policy.alertRoutineStops) {
      reaction.ignored.push({ messageId: message.messageId, why: `routine stop (${classification.kind})` });
      rememberHandledVersion(seen, task.taskArn, task.version);
      continue;
    }
    const key = `${screening.subject.clusterName}/${screening.subject.serviceName}`;
    byService.set(key, [...(byService.get(key) ?? []), { message, policy: screening.policy, classification }]);
  }
  for (const i of reaction.ignored) logger.debug(`ignored: ${i.why}`, { messageId: i.messageId });

  const executor = new Executor({
    clients: { elbv2: deps.clients.elbv2 },
    kinds: { 'deregister-targets': deregisterTargets },
    logger,
    dryRun: config.dryRun,
    verification: config.verification,
    now,
    targetGroupLeases: deps.targetGroupLeases,
  });
  const windowStart = incidentWindowStart(now());
  const screenedByService = [...byService.values()];
  // A dry run claims no sweep: it writes no state.
  const sweepLedger = config.dryRun ? undefined : deps.sweepLedger;
  const { tickets, watch, earlier } = await settleSweeps(screenedByService, { ...deps, now, sweepLedger });
  const shares = await Promise.all(
    screenedByService.map((stops, i) =>
      reactToServiceStops(stops, {
        ...deps,
        sweepLedger,
        executor,
        windowStart,
        sweep: tickets[i] ?? { role: 'alone' },
        earlier: earlier[i] ?? [],
        ...(watch && { watch }),
      }),
    ),
  );

  // Each service's alert is queued at once: a storm's ten services do not wait for one another's.
  const reported = await Promise.all(
    shares.map(async (share, index) => {
      const failed = new Set(share.failures.map((f) => f.messageId));
      let alert: Alert | undefined;
      try {
        // Counted before anything is queued: a failure here returns the stops before any alert could go twice.
        for (const notice of await countCrashLoop(screenedByService[index] ?? [], share, deps, now())) {
          await queueCrashLoopAlert(notice, deps);
        }
        // Another sweep's or delivery's pending alert first: this share's messages are returned until it is queued.
        for (const pending of share.adopted) {
          await enqueueAlert(deps.clients.sqs, deps.outboxUrl, pending.alert);
          logger.info(`pending alert queued: ${pending.alert.title}`, { incidentId: pending.alert.incidentId });
          await pending.confirm();
        }
        alert = share.alert;
        if (alert) {
          await enqueueAlert(deps.clients.sqs, deps.outboxUrl, alert);
          logger.info(`alert queued: ${alert.title}`, { incidentId: alert.incidentId, severity: alert.severity });
          await share.alertInSweep?.confirm();
        }
      } catch (error) {
        // Not remembered: the retry queues the alert kept for it (the outbox drops a repeat), whatever its batch.
        logger.error('the alert could not be queued; the stops are retried', { error, service: share.serviceName });
        await share.park?.().catch((parkError: unknown) => {
          logger.error('the alert could not be kept for the retry either: a retry in another batch counts it again', {
            error: parkError,
            service: share.serviceName,
          });
        });
        for (const m of share.messages) if (!failed.has(m.messageId)) failed.add(m.messageId);
        share.failures.push(
          ...share.messages
            .filter((m) => !share.failures.some((f) => f.messageId === m.messageId))
            .map((m) => ({
              messageId: m.messageId,
              why: `the alert could not be queued: ${(error as Error).message}`,
            })),
        );
      }
      for (const m of share.messages) {
        if (!failed.has(m.messageId)) rememberHandledVersion(seen, m.event.detail.taskArn, m.event.detail.version);
      }
      return { ...share, alert };
    }),
  );
  for (const share of reported) {
    reaction.failures.push(...share.failures);
    reaction.services.push(share);
  }
  return reaction;
}

/**
 * Queues a crash-loop alert. Its stops are counted already, so a retry could not raise it again: one that cannot be
 * queued is left waiting on the service's counter, and the failure returns the stops, whose retry finds it there.
 */
async function queueCrashLoopAlert(notice: CrashLoopNotice, deps: TaskBatchDeps): Promise<void> {
  const { alert } = notice;
  try {
    await enqueueAlert(deps.clients.sqs, deps.outboxUrl, alert);
  } catch (error) {
    await notice.unqueued().catch((parkError: unknown) => {
      deps.logger.error(`the crash-loop alert could be neither queued nor kept for a retry: ${alert.title}`, {
        error: parkError,
      });
      countLostAlerts();
    });
    throw error;
  }
  deps.logger.info(`crash-loop alert queued: ${alert.title}`, { incidentId: alert.incidentId });
  // Left on the counter, it is queued again by the next count: the outbox's de-duplication drops the repeat.
  await notice.queued().catch((error: unknown) => {
    deps.logger.warn(`the queued crash-loop alert stays on the counter: ${alert.title}`, { error });
  });
}

/** Counts the service's failed stops of this batch toward a crash loop; its alert once they reach the threshold. */
async function countCrashLoop(
  screened: readonly ScreenedStop[],
  share: ServiceStops,
  deps: TaskBatchDeps,
  now: Date,
): Promise<CrashLoopNotice[]> {
  // A dry run writes no state anywhere, the crash-loop counters included.
  if (!deps.countStops || deps.config.dryRun || share.desiredCount === undefined) return [];
  const stops = stopsOfBatch(screened, { ...share, desiredCount: share.desiredCount }, deps.config.dryRun, now);
  return stops ? deps.countStops(stops) : [];
}
