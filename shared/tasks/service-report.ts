import { auditErrorText } from '../executor/audit.js';
import type { Lease } from '../executor/target-group-lease.js';
import { countLostAlerts } from '../logging/metrics.js';
import type { Alert } from '../notify/alert.js';
import type { taskTargets } from '../targets/task-targets.js';
import type { TargetGroupOutcome } from './batch-report.js';
import { type ReportedStop, serviceStopsAlert } from './batch-report.js';
import type { ScreenedStop, SweepLedger, TaskBatchDeps, TaskStopMessage } from './batch-types.js';
import type { JoinedSweep, PendingAlert } from './service-sweep.js';
import { claimStopReports, parkStopAlert } from './stop-reports.js';
import { SWEPT, taskId } from './storm-sweep.js';

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
  /** Keeps `alert` for the stops' retry when it could not be queued, whatever batch the retry comes in. */
  park?: () => Promise<void>;
}

const lateStatuses = new Set(['STOPPING', 'DEPROVISIONING', 'STOPPED']);

/** Who may report a stop the batch's messages carry: each of its messages, which keeps its name on redelivery. */
function reportersOf(screened: readonly ScreenedStop[], taskArn: string): string[] {
  const ids = screened.filter((s) => s.message.event.detail.taskArn === taskArn).map((s) => s.message.messageId);
  return ids.sort().map((id) => `message/${id}`);
}

/** The stops of a share with their targets, as observed. */
export type ObservedStop = ScreenedStop & { targets: ReturnType<typeof taskTargets>; missing: string[] };

/**
 * What must be retried, which stops deserve a report and which of them this batch counts (its claims), the alert,
 * and the sweep's result published. The lone group's lease, if still held, is freed in the write that claims.
 */
export async function reportServiceStops(
  share: ServiceStops,
  context: {
    screened: readonly ScreenedStop[];
    stops: readonly ObservedStop[];
    sweep: JoinedSweep;
    ledger: SweepLedger | undefined;
    takeLease: () => Lease | undefined;
    deps: TaskBatchDeps & { windowStart: string };
  },
): Promise<ServiceStops> {
  const { screened, stops, sweep, ledger, deps } = context;
  const { logger } = deps;
  const { clusterName, serviceName } = share;
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
  const toReport = deserving.map((s) => {
    const taskArn = s.message.event.detail.taskArn;
    const carried = reportersOf(screened, taskArn);
    return { taskArn, reporter: sweep.reporter ?? carried[0] ?? taskArn, alsoOurs: carried };
  });
  // A batch that took over abandoned sweeps reads their claims even with no stop of its own to claim.
  const takenOver = sweep.takenOver ?? [];
  const claiming = ledger !== undefined && (toReport.length > 0 || takenOver.length > 0);
  // Without a claim to ride on, the lease is freed before anything else.
  if (!claiming)
    await context
      .takeLease()
      ?.release()
      .catch(() => undefined);
  // A claim that reads the whole record cannot ride on the lease's release: the lease is then freed by the caller.
  const lease = takenOver.length === 0 ? context.takeLease() : undefined;
  const claims = claiming ? await claimStopReports(ledger, share, toReport, logger, { lease, takenOver }) : undefined;
  // Claims that could not be made (their answers lost, the table unreachable) do not say whether another alert counts
  // these stops already: rather than count them again, the batch returns them while their queue would give them back,
  // and their retry claims them (its own landed claim included). Their last delivery reports them unclaimed: twice,
  // perhaps, rather than never. A sweep's stops are no message's to return: the sweeper reports them.
  const unclaimed =
    claiming && !claims && !sweep.reporter
      ? deserving.filter((s) => (s.message.attempt ?? 1) < (deps.maxAttempts ?? 1))
      : [];
  for (const s of unclaimed)
    share.failures.push({ messageId: s.message.messageId, why: 'the stops’ reports could not be claimed' });
  if (unclaimed.length > 0)
    logger.warn(`${unclaimed.length} stop(s) returned for a retry that can claim their reports`);
  const ours = claims?.ours;
  if (ours) logger.debug('stop reports claimed', { ours: [...ours].map(taskId), asked: toReport.length });
  // An earlier alert that counts some of these stops and may not have been queued (a delivery's, or a sweep's whose
  // record this batch may not have read): queued again as it was (the outbox drops it if it was), its stops left out
  // of this batch's alert, whatever else this batch carries.
  const parked = claims?.parked ?? [];
  for (const p of parked) share.adopted.push({ alert: p.alert, confirm: async () => undefined });
  const countedEarlier = new Set(parked.flatMap((p) => p.reported));
  // The stops an abandoned sweep claimed are this batch's to report, though their work may have been done before it.
  const abandoned = claims?.abandoned ?? new Set<string>();
  const idOf = (s: ObservedStop) => taskId(s.message.event.detail.taskArn);
  const deservingSet = new Set(deserving);
  const reportedStops = [
    ...deserving.filter((s) => !unclaimed.includes(s)).filter((s) => !ours || ours.has(s.message.event.detail.taskArn)),
    ...stops.filter((s) => !deservingSet.has(s) && abandoned.has(idOf(s)) && !sweep.reportedElsewhere.has(idOf(s))),
  ].filter((s) => !countedEarlier.has(idOf(s)));
  const observedIds = new Set(stops.map(idOf));
  const unfound = [...abandoned].filter((id) => !observedIds.has(id) && !countedEarlier.has(id));
  if (unfound.length > 0) {
    const why = 'not found among the service’s stops: not reported';
    logger.error(`${unfound.length} stop(s) of an abandoned storm sweep ${why}`, { tasks: unfound });
    countLostAlerts();
  }
  const reported: ReportedStop[] = reportedStops.map((s) => ({
    event: s.message.event,
    classification: s.classification,
    missing: s.missing,
  }));
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
  // Kept beside the claims even when the sweep's record keeps it too: a retry that cannot read that record reads these.
  if (report && ledger) share.park = () => parkStopAlert(ledger, share, report);
  return share;
}
