import type { Logger } from '@aws-lambda-powertools/logger';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AutopilotConfig } from '../config/schema.js';
import type { TaskStateChangeEvent } from '../events/task-state-change.js';
import type { AuditRecord } from '../executor/audit.js';
import { Executor } from '../executor/executor.js';
import { deregisterTargets } from '../executor/kinds/elbv2.js';
import { currentTime } from '../lambda/clock.js';
import type { Alert } from '../notify/alert.js';
import { enqueueAlert } from '../notify/outbox.js';
import { type ObservationCache, observeEc2InstanceId, observeServiceState } from '../services/observation-cache.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import { isAwsvpc, type TaskTargets, taskTargets } from '../targets/task-targets.js';
import { classifyStop, type StopClassification } from './classify.js';
import { type ServiceStops, stopsOfTaskEvent } from './crash-loop/hook.js';
import { type HandledTaskVersions, rememberHandledVersion } from './handled-versions.js';
import { planTaskStop, type TaskStopPlan } from './plan.js';
import { taskStopAlert } from './report.js';
import { screenTaskEvent, type TaskSubject } from './screen.js';

/** What the task-stop reaction depends on; everything is passed in, so tests and replays wire their own. */
export interface TaskReactionDeps {
  config: AutopilotConfig;
  clients: { ecs: ECSClient; elbv2: ElasticLoadBalancingV2Client; sqs: SQSClient };
  outboxUrl: string;
  cache: ObservationCache;
  seen: HandledTaskVersions;
  logger: Logger;
  now?: () => Date;
  /** Counts the service's failed stops across invocations; the crash-loop alert when they reached the threshold. */
  countStops?: (stops: ServiceStops) => Promise<Alert | undefined>;
}

/** The whole story of one event: why it was ignored, or what was observed, planned, done and reported. */
export interface TaskReaction {
  eventId: string;
  subject?: Partial<TaskSubject>;
  ignored?: string;
  classification?: StopClassification;
  targets?: TaskTargets[];
  plan?: TaskStopPlan;
  audit: AuditRecord[];
  alert?: Alert;
  /** The service's crash-loop alert, when this stop reached the threshold. */
  crashLoop?: Alert;
}

/** observe → plan → guard → apply → verify → report, for one `ECS Task State Change` event. */
export async function reactToTaskStateChange(
  event: TaskStateChangeEvent,
  deps: TaskReactionDeps,
): Promise<TaskReaction> {
  const { config, clients, cache, seen, logger } = deps;
  const now = deps.now ?? currentTime;
  const task = event.detail;
  const screening = screenTaskEvent(event, config, now(), seen.get(task.taskArn));
  if (!screening.act) {
    logger.debug(`ignored: ${screening.why}`, { eventId: event.id, subject: screening.subject });
    return { eventId: event.id, subject: screening.subject, ignored: screening.why, audit: [] };
  }
  const { subject, policy } = screening;
  const ignore = (why: string): TaskReaction => {
    logger.debug(`ignored: ${why}`, { eventId: event.id, subject });
    rememberHandledVersion(seen, task.taskArn, task.version);
    return { eventId: event.id, subject, ignored: why, audit: [] };
  };

  const classification = classifyStop(task);
  if (classification.routine && !policy.alertRoutineStops) {
    logger.info(`routine stop (${classification.kind}), logged only: ${classification.summary}`, { subject });
    return { ...ignore(`routine stop (${classification.kind}): ECS drains these targets itself`), classification };
  }

  // observe
  const service = await observeServiceState(clients.ecs, cache, subject.clusterName, subject.serviceName);
  if (!service) return ignore(`service ${subject.serviceName} does not exist in cluster ${subject.clusterName}`);
  if (service.disabledByTag) return ignore(`service ${subject.serviceName} carries the ecs-autopilot:disabled tag`);
  if (service.loadBalancers.length === 0) return ignore(`service ${subject.serviceName} has no load balancer`);
  const ec2InstanceId =
    !isAwsvpc(task) && task.containerInstanceArn
      ? await observeEc2InstanceId(clients.ecs, cache, subject.clusterName, task.containerInstanceArn)
      : undefined;
  const targets = taskTargets(task, service.loadBalancers, ec2InstanceId);
  const health =
    policy.deregisterTargets && !classification.routine
      ? await Promise.all(
          targets
            .filter((t) => t.targets.length > 0)
            .map((t) => observeTargetGroupHealth(clients.elbv2, t.targetGroupArn)),
        )
      : [];

  // plan
  const plan = planTaskStop({ subject, task, classification, targets, health }, policy);
  logger.info(`planned ${plan.actions.length} action(s) for a ${classification.kind} stop`, {
    eventId: event.id,
    subject,
    classification,
    version: task.version,
    lastStatus: task.lastStatus,
    notes: plan.notes,
  });

  // guard → apply → verify
  const executor = new Executor({
    clients: { elbv2: clients.elbv2 },
    kinds: { 'deregister-targets': deregisterTargets },
    logger,
    dryRun: config.dryRun,
    verification: config.verification,
    now,
  });
  const audit = await executor.run(plan.actions);

  // report
  const alert = taskStopAlert({ event, subject, classification, plan, audit, policy, dryRun: config.dryRun });
  if (alert) {
    await enqueueAlert(clients.sqs, deps.outboxUrl, alert);
    logger.info(`alert queued: ${alert.title}`, { incidentId: alert.incidentId, severity: alert.severity });
  }
  const crashLoop = await deps.countStops?.(stopsOfTaskEvent(event, service, classification, config.dryRun, now()));
  if (crashLoop) await enqueueAlert(clients.sqs, deps.outboxUrl, crashLoop);
  rememberHandledVersion(seen, task.taskArn, task.version);
  return { eventId: event.id, subject, classification, targets, plan, audit, alert, ...(crashLoop && { crashLoop }) };
}
