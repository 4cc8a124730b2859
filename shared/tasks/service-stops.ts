import { auditErrorText } from '../executor/audit.js';
import type { Executor } from '../executor/executor.js';
import { currentTime } from '../lambda/clock.js';
import type { Alert } from '../notify/alert.js';
import { observeServiceState } from '../services/observation-cache.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import { observeRunningTargets, observeTaskInstance } from '../targets/owners.js';
import { taskTargets } from '../targets/task-targets.js';
import { addressStillHeld, isClusterNotFound } from './batch-observe.js';
import { type ReportedStop, serviceStopsAlert, type TargetGroupOutcome } from './batch-report.js';
import type { ScreenedStop, TaskBatchDeps, TaskStopMessage } from './batch-types.js';
import { clusterMissingAlert } from './cluster-missing.js';
import { type GroupShare, groupsLeftByEcs, pastEcsDeregistration } from './left-by-ecs.js';
import { planTargetGroupBatch, type StoppingTask, targetsToObserve } from './plan.js';
import { joinStormSweep, type PendingAlert, type SweepTicket } from './service-sweep.js';
import { claimStopReports } from './stop-reports.js';
import { SWEPT, type SweepRecord, type SweepWatch, taskId } from './storm-sweep.js';

/** One service's share of a batch: its messages, what happened per target group, its alert and what to retry. */
export interface ServiceStops {
  clusterName: string;
  serviceName: string;
  messages: TaskStopMessage[];
  outcomes: TargetGroupOutcome[];
  notes: string[];
  alert?: Alert;
  failures: Array<{ messageId: string; why: string }>;
  /** The service's desired count when observed: the crash-loop threshold is judged against it. */
  desiredCount?: number;
  /** Set when `alert` is kept pending in this batch's sweep record: confirms it once queued. */
  alertInSweep?: PendingAlert;
  /** Other sweeps' pending alerts that count some of these stops: queued with this share's alert. */
  adopted: PendingAlert[];
}

const lateStatuses = new Set(['STOPPING', 'DEPROVISIONING', 'STOPPED']);

const arnOf = (s: ScreenedStop) => s.message.event.detail.taskArn;

/** The newest event of each task: duplicates within a batch are one stop. */
function newestPerTask(stops: readonly ScreenedStop[]): ScreenedStop[] {
  const newest = new Map<string, ScreenedStop>();
  for (const s of stops) {
    const arn = s.message.event.detail.taskArn;
    const kept = newest.get(arn);
    if (!kept || s.message.event.detail.version > kept.message.event.detail.version) newest.set(arn, s);
  }
  return [...newest.values()];
}

/** Who may report a stop the batch's messages carry: each of its messages, which keeps its name on redelivery. */
function reportersOf(screened: readonly ScreenedStop[], taskArn: string): string[] {
  const ids = screened.filter((s) => s.message.event.detail.taskArn === taskArn).map((s) => s.message.messageId);
  return ids.sort().map((id) => `message/${id}`);
}

/** Handles one service's stops of a batch: observe the service once, then each target group once, under its lease. */
export async function reactToServiceStops(
  screened: readonly ScreenedStop[],
  deps: TaskBatchDeps & {
    executor: Executor;
    windowStart: string;
    sweep: SweepTicket;
    watch?: SweepWatch;
    /** Records of the sweeps the redelivered stops' first deliveries joined, whose alerts count some of them. */
    earlier?: SweepRecord[];
  },
): Promise<ServiceStops> {
  const { clients, cache, executor, logger } = deps;
  const first = screened[0]?.message.event.detail;
  const clusterName = first?.clusterArn.split('/').pop() ?? '';
  const serviceName = first?.group?.slice('service:'.length) ?? '';
  const messages = screened.map((s) => s.message);
  const share: ServiceStops = {
    clusterName,
    serviceName,
    messages,
    outcomes: [],
    notes: [],
    failures: [],
    adopted: [],
  };
  // A storm's other batches wait for the sweep of this slot before any AWS call: most find their work done.
  const sweep = await joinStormSweep(screened, deps.sweep, deps.watch, deps.earlier ?? [], deps, share);
  share.adopted = sweep.adopted;
  if (sweep.stops.length === 0) return share;
  const failAll = async (why: string) => {
    share.failures = messages.map((m) => ({ messageId: m.messageId, why }));
    await sweep.publish([]);
    return share;
  };

  // observe
  let service: Awaited<ReturnType<typeof observeServiceState>>;
  try {
    service = await observeServiceState(clients.ecs, cache, clusterName, serviceName);
  } catch (error) {
    if (!isClusterNotFound(error)) return failAll(`the service could not be described: ${(error as Error).message}`);
    // Retrying cannot help: the config names a cluster this account and region do not have.
    share.notes.push(`cluster ${clusterName} does not exist in this account and region`);
    share.alert = clusterMissingAlert(clusterName, screened[0]?.message.event);
    await sweep.publish([]);
    return share;
  }
  const leftAlone = !service
    ? `service ${serviceName} does not exist in cluster ${clusterName}`
    : service.disabledByTag
      ? `service ${serviceName} carries the ecs-autopilot:disabled tag`
      : service.loadBalancers.length === 0
        ? `service ${serviceName} has no load balancer`
        : undefined;
  if (!service || leftAlone) {
    share.notes.push(leftAlone ?? 'no service');
    logger.debug(`ignored: ${leftAlone}`, { clusterName, serviceName });
    await sweep.publish([]);
    return share;
  }
  share.desiredCount = service.desiredCount;
  const bindings = service.loadBalancers;
  const stops = await Promise.all(
    newestPerTask(sweep.stops).map(async (s) => {
      const task = s.message.event.detail;
      const instance = await observeTaskInstance(clients.ecs, cache, clusterName, task);
      const targets = taskTargets(task, bindings, instance.ec2InstanceId);
      const missing = [...new Set(targets.flatMap((t) => (t.missing ? [t.missing] : [])))];
      if (instance.problem) missing.unshift(instance.problem);
      return { ...s, targets, missing };
    }),
  );
  const deregistering = stops.filter((s) => s.policy.deregisterTargets && !s.classification.routine);
  const groups: GroupShare[] = [...new Set(bindings.map((b) => b.targetGroupArn))].flatMap((targetGroupArn) => {
    const here: StoppingTask[] = deregistering
      .map((s) => ({
        taskArn: s.message.event.detail.taskArn,
        classification: s.classification,
        targets: s.targets.filter((t) => t.targetGroupArn === targetGroupArn).flatMap((t) => t.targets),
      }))
      .filter((s) => s.targets.length > 0);
    return here.length > 0 ? [{ targetGroupArn, here }] : [];
  });
  // A group whose stops are all past ECS's own deregistration is read first, alone: most often nothing is left in it.
  // Not for a storm's sweep, whose many stops share one read of the running tasks and one read per group anyway.
  const late = new Set(deregistering.filter((s) => pastEcsDeregistration(s.message.event.detail)).map(arnOf));
  const settled = sweep.reporter
    ? new Map<string, TargetGroupOutcome>()
    : await groupsLeftByEcs(
        clients.elbv2,
        groups.filter((g) => g.here.every((s) => late.has(s.taskArn))),
        { clusterName, serviceName },
        logger,
      );
  const open = groups.filter((g) => !settled.has(g.targetGroupArn));
  const inOpenGroups = new Set(open.flatMap((g) => g.here.map((s) => s.taskArn)));
  let running = new Map<string, Set<string>>();
  // Only a stop whose address may be free again can have it owned by a running task: the others need no read.
  const now = (deps.now ?? currentTime)();
  const mayBeReused = deregistering.some((s) => inOpenGroups.has(arnOf(s)) && !addressStillHeld(s.message.event, now));
  if (mayBeReused) {
    try {
      const stopping = new Set(stops.map(arnOf));
      running = await observeRunningTargets(clients.ecs, cache, service, stopping);
    } catch (error) {
      return failAll(`the service's running tasks could not be read: ${(error as Error).message}`);
    }
  }

  // plan → guard → apply → verify, per target group under its lease
  share.outcomes = await Promise.all(
    groups.map(({ targetGroupArn, here }) => {
      const done = settled.get(targetGroupArn);
      if (done) return done;
      const runningHere = running.get(targetGroupArn) ?? new Set<string>();
      return executor
        .underTargetGroupLease(targetGroupArn, async (): Promise<TargetGroupOutcome> => {
          const batch = {
            targetGroupArn,
            subject: { clusterName, serviceName },
            stops: here,
            runningTargets: runningHere,
          };
          // Without a running task's target to ask about, the partial read could not prove the group keeps one.
          const asked = runningHere.size > 0 ? targetsToObserve(here, runningHere) : undefined;
          let plan =
            asked &&
            planTargetGroupBatch({
              ...batch,
              health: await observeTargetGroupHealth(clients.elbv2, targetGroupArn, asked),
              wholeGroup: false,
            });
          if (!plan || plan.needsWholeGroup) {
            const health = await observeTargetGroupHealth(clients.elbv2, targetGroupArn);
            plan = planTargetGroupBatch({ ...batch, health, wholeGroup: true });
          }
          const audit = plan.action ? await executor.run([plan.action]) : [];
          return { targetGroupArn, plan, audit };
        })
        .catch((error: Error) => ({ targetGroupArn, audit: [], error: `${error.name}: ${error.message}` }));
    }),
  );

  // which messages must be retried: those with a target in a group whose work failed
  const failedGroups = new Map(
    share.outcomes.flatMap((o) => {
      const failed = o.audit.find((r) => r.outcome === 'failed')?.error;
      const why = o.error ?? (failed && auditErrorText(failed));
      return why ? [[o.targetGroupArn, why] as const] : [];
    }),
  );
  for (const s of stops) {
    const why = s.targets.map((t) => failedGroups.get(t.targetGroupArn)).find(Boolean);
    if (!why) continue;
    for (const m of screened.filter((x) => x.message.event.detail.taskArn === s.message.event.detail.taskArn)) {
      share.failures.push({ messageId: m.message.messageId, why });
    }
  }
  const handled = stops.filter((s) => !s.targets.some((t) => failedGroups.has(t.targetGroupArn)));

  // report: stops that deserve an alert (a late event that found nothing left to do does not, nor a failed one that
  // is retried: its retry reports it, so a failure that heals is alerted once)
  const acted = new Set(
    share.outcomes.flatMap((o) => {
      const wrote = o.audit.some((r) => r.outcome === 'applied' || r.outcome === 'dry-run');
      const notable = (o.plan?.decisions ?? []).filter(
        (d) => d.verdict === 'kept-last' || (wrote && d.verdict === 'deregister'),
      );
      return notable.map((d) => d.taskArn);
    }),
  );
  const deserving = stops.filter((s) => {
    const task = s.message.event.detail;
    if (sweep.reportedElsewhere.has(taskId(task.taskArn))) return false;
    const retried = share.failures.some((f) => f.messageId === s.message.messageId);
    if (retried && (s.message.attempt ?? 1) < (deps.maxAttempts ?? 1)) return false;
    const late = lateStatuses.has(task.lastStatus) && task.startedAt !== undefined;
    // A redelivery may follow an attempt whose work landed but whose alert did not: it reports again, and the
    // outbox's de-duplication drops it if the first one did get through.
    const redelivered = (s.message.attempt ?? 1) > 1;
    // A stop taken by the sweep without its event is reported by whoever removed its targets; by the sweep when its
    // work failed: no retry of the sweep carries it, and a removal that landed unanswered leaves its own event nothing.
    const failedHere = s.targets.some((t) => failedGroups.has(t.targetGroupArn));
    if (s.message.messageId.startsWith(SWEPT)) return acted.has(task.taskArn) || failedHere;
    return failedGroups.size > 0 || acted.has(task.taskArn) || !late || redelivered || s.missing.length > 0;
  });
  // Of two batches that each removed this stop's targets from one of its groups, one counts it.
  const ledger = deps.config.dryRun ? undefined : deps.sweepLedger;
  const toReport = deserving.map((s) => {
    const taskArn = s.message.event.detail.taskArn;
    const carried = reportersOf(screened, taskArn);
    return { taskArn, reporter: sweep.reporter ?? carried[0] ?? taskArn, alsoOurs: carried };
  });
  const ours = ledger && toReport.length > 0 ? await claimStopReports(ledger, share, toReport, logger) : undefined;
  if (ours) logger.debug('stop reports claimed', { ours: [...ours].map(taskId), asked: toReport.length });
  const reported: ReportedStop[] = deserving
    .filter((s) => !ours || ours.has(s.message.event.detail.taskArn))
    .map((s) => ({ event: s.message.event, classification: s.classification, missing: s.missing }));
  share.alert = serviceStopsAlert({
    clusterName,
    serviceName,
    stops: reported,
    outcomes: share.outcomes,
    windowStart: deps.windowStart,
    dryRun: deps.config.dryRun,
    notes: share.notes,
  });
  // The alert stays pending in the sweep's record until queued: the stops it counts are other batches' messages too.
  const report = share.alert && { alert: share.alert, reported: reported.map((r) => taskId(r.event.detail.taskArn)) };
  share.alertInSweep = await sweep.publish(handled, report);
  return share;
}
