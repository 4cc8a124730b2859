import type { Logger } from '@aws-lambda-powertools/logger';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { targetGroupNameOf } from '../aws/arn.js';
import type { AutopilotConfig } from '../config/schema.js';
import { foreignOrigin, type Home, untrustedTime } from '../events/origin.js';
import type { ScheduledEvent } from '../events/scheduled.js';
import { type AuditRecord, auditErrorOf } from '../executor/audit.js';
import { Executor } from '../executor/executor.js';
import { deregisterTargets } from '../executor/kinds/elbv2.js';
import type { TargetGroupLeases } from '../executor/target-group-lease.js';
import { currentTime } from '../lambda/clock.js';
import { countLostAlerts, type EventMetrics, eventMetrics } from '../logging/metrics.js';
import type { Alert } from '../notify/alert.js';
import { enqueueAlert } from '../notify/outbox.js';
import { type ObservationCache, observeEc2InstanceId } from '../services/observation-cache.js';
import { ClusterNotFoundError, describeServiceTasks, observeManagedServices } from '../services/observe.js';
import type { ServiceState } from '../services/types.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import { observeTargetOwners } from '../targets/owners.js';
import { isAwsvpc } from '../targets/task-targets.js';
import type { TargetGroupHealth } from '../targets/types.js';
import { type ObservedService, planReconcile, type ReconcileFindings } from './plan.js';
import { reconcileAlert } from './report.js';
import { leaveWaiting, readWaitingAlerts, type WaitingAlertStore, waitingAlertsKey } from './waiting-alerts.js';

export interface ReconcileDeps {
  config: AutopilotConfig;
  clients: { ecs: ECSClient; elbv2: ElasticLoadBalancingV2Client; sqs: SQSClient };
  outboxUrl: string;
  cache: ObservationCache;
  logger: Logger;
  /** The account and region this deployment manages; schedules of others are not acted on. */
  home?: Home;
  metrics?: EventMetrics;
  now?: () => Date;
  /** The target groups' leases, shared with the task and alarm paths: an orphan is removed under its group's. */
  targetGroupLeases?: TargetGroupLeases;
  /** Where a sweep's alert that SQS refused waits for the next sweep (none in a dry run: it writes no state). */
  waitingAlerts?: WaitingAlertStore;
}

export interface ReconcileRun {
  eventId: string;
  /** Why the sweep did not run at all. */
  ignored?: string;
  services: Array<{ clusterName: string; serviceName: string; running: number; stopped: number }>;
  targetGroups: number;
  audit: AuditRecord[];
  findings: ReconcileFindings;
  /** What the sweep could not look at, each naming its cluster, service or target group: the rest went on. */
  notSwept: string[];
  alert?: Alert;
}

/**
 * One sweep: observe every managed service's tasks and target groups, deregister proven orphans under the same
 * guardrails as every other removal, report the rest. Level-triggered: it converges even when events were lost.
 */
export async function reconcile(event: ScheduledEvent, deps: ReconcileDeps): Promise<ReconcileRun> {
  const { config, clients, cache, logger } = deps;
  // A schedule of elsewhere, or dated ahead of our clock, would judge grace periods against a time that is not ours.
  const refused =
    (deps.home && foreignOrigin(event, deps.home, event.resources)) ||
    untrustedTime(event.time, (deps.now ?? currentTime)());
  if (refused) {
    logger.info(`ignored: ${refused}`, { eventId: event.id });
    (deps.metrics ?? eventMetrics('reconciler')).ignored(refused.startsWith('dated') ? 'future-dated' : 'foreign');
    const findings = { unknownTargets: [], youngOrphans: [], missingTasks: [] };
    return { eventId: event.id, ignored: refused, services: [], targetGroups: 0, audit: [], findings, notSwept: [] };
  }
  // The schedule's own time is the reference: a late or retried run judges the grace period conservatively.
  const now = new Date(Date.parse(event.time));

  // observe, one cluster, service and target group at a time: what cannot be read is named and the sweep goes on
  const managed = await observeManagedServices(clients.ecs, config);
  const notSwept = managed.missingClusters.map((e) => `${e.message}: the config lists it`);
  const observed: ObservedService[] = [];
  // Their tasks may hold an orphan's address too: read before any removal from a group they share.
  const bystanders: ServiceState[] = [];
  const ec2InstanceIds = new Map<string, string>();
  const skipped = (what: string, error: unknown) => {
    const { message, requestId } = auditErrorOf(error);
    const said = requestId ? `${message} (request id ${requestId})` : message;
    const why = error instanceof ClusterNotFoundError ? error.message : `${what}: ${said}`;
    logger.warn(`reconciler skipped ${what}`, { error });
    notSwept.push(why);
  };
  for (const service of managed.services) {
    if (service.disabledByTag) logger.debug(`skipped ${service.serviceName}: ecs-autopilot:disabled`);
    if (service.loadBalancers.length === 0) continue;
    if (service.disabledByTag) {
      bystanders.push(service);
      continue;
    }
    try {
      const [running, stopped] = await Promise.all([
        describeServiceTasks(clients.ecs, service.clusterName, service.serviceName, 'RUNNING'),
        describeServiceTasks(clients.ecs, service.clusterName, service.serviceName, 'STOPPED'),
      ]);
      for (const task of [...running, ...stopped]) {
        if (!isAwsvpc(task) && task.containerInstanceArn && !ec2InstanceIds.has(task.containerInstanceArn)) {
          ec2InstanceIds.set(
            task.containerInstanceArn,
            await observeEc2InstanceId(clients.ecs, cache, service.clusterName, task.containerInstanceArn),
          );
        }
      }
      observed.push({ service, running, stopped });
    } catch (error) {
      skipped(`service ${service.clusterName}/${service.serviceName}`, error);
      bystanders.push(service);
    }
  }
  const health = new Map<string, TargetGroupHealth>();
  for (const arn of new Set(observed.flatMap((o) => o.service.loadBalancers.map((lb) => lb.targetGroupArn)))) {
    try {
      health.set(arn, await observeTargetGroupHealth(clients.elbv2, arn));
    } catch (error) {
      skipped(`target group ${targetGroupNameOf(arn)}`, error);
    }
  }
  const services = observed.map((o) => o.service);

  // plan
  const plan = planReconcile({
    services: observed,
    bystanders,
    health,
    ec2InstanceIds,
    graceSeconds: config.reconciler.orphanGraceSeconds,
    now,
  });
  logger.info(`reconciler planned ${plan.actions.length} fix(es)`, { findings: plan.findings });

  // guard → apply → verify
  const executor = new Executor({
    clients: { elbv2: clients.elbv2 },
    kinds: { 'deregister-targets': deregisterTargets },
    // Paid only for a target group with orphans, under its lease: one ListTasks and DescribeTasks per bound service.
    targetOwners: (service) => observeTargetOwners(clients.ecs, cache, service),
    logger,
    dryRun: config.dryRun,
    verification: config.verification,
    targetGroupLeases: deps.targetGroupLeases,
  });
  const audit = await executor.run(plan.actions);

  // report: what it removed is gone on a retry, so an alert SQS refuses waits in the state table for the next sweep
  const alert = reconcileAlert({ event, audit, findings: plan.findings, notSwept, services, dryRun: config.dryRun });
  await queueAlerts(alert, event, deps);
  return {
    eventId: event.id,
    services: observed.map((o) => ({
      clusterName: o.service.clusterName,
      serviceName: o.service.serviceName,
      running: o.running.length,
      stopped: o.stopped.length,
    })),
    targetGroups: health.size,
    audit,
    findings: plan.findings,
    notSwept,
    alert,
  };
}

/** Queues the alerts earlier sweeps left waiting, then this sweep's; one that cannot be queued waits for the next. */
async function queueAlerts(alert: Alert | undefined, event: ScheduledEvent, deps: ReconcileDeps): Promise<void> {
  const { clients, logger } = deps;
  const store = deps.config.dryRun ? undefined : deps.waitingAlerts;
  const key = waitingAlertsKey(event);
  const waiting = store ? await readWaitingAlerts(store, key, logger) : undefined;
  try {
    for (const earlier of waiting?.alerts ?? []) await enqueueAlert(clients.sqs, deps.outboxUrl, earlier);
    if (alert) await enqueueAlert(clients.sqs, deps.outboxUrl, alert);
  } catch (error) {
    // The waiting ones were not taken off: they stay for the next sweep too.
    if (alert && store) {
      await leaveWaiting(store, key, alert).catch((leaveError: unknown) => {
        logger.error(`the sweep's alert could be neither queued nor left for the next sweep: ${alert.title}`, {
          error: leaveError,
        });
        countLostAlerts();
      });
    }
    throw error;
  }
  if (waiting?.alerts.length) logger.info(`queued ${waiting.alerts.length} alert(s) earlier sweeps left waiting`);
  await waiting?.queued().catch((error: unknown) => {
    logger.warn('the queued alerts of earlier sweeps stay waiting; the outbox drops the repeat', { error });
  });
}
