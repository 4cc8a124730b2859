import type { Executor } from '../executor/executor.js';
import type { Lease } from '../executor/target-group-lease.js';
import { currentTime } from '../lambda/clock.js';
import { observeOtherManagedServices, observeServiceState } from '../services/observation-cache.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import { observeRunningTargets, observeTargetsOfSharingServices, observeTaskInstance } from '../targets/owners.js';
import { taskTargets } from '../targets/task-targets.js';
import { addressStillHeld, isClusterNotFound } from './batch-observe.js';
import type { TargetGroupOutcome } from './batch-report.js';
import type { ScreenedStop, TaskBatchDeps } from './batch-types.js';
import { clusterMissingAlert } from './cluster-missing.js';
import { type GroupShare, groupsLeftByEcs, pastEcsDeregistration } from './left-by-ecs.js';
import { planTargetGroupBatch, type StoppingTask, targetsToObserve } from './plan.js';
import { reportServiceStops, type ServiceStops } from './service-report.js';
import { joinStormSweep, type SweepTicket } from './service-sweep.js';
import type { SweepRecord, SweepWatch } from './storm-sweep.js';

export type { ServiceStops } from './service-report.js';

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
  let sharing = new Map<string, Map<string, string>>();
  // Only a stop whose address may be free again can have it owned by a running task: the others need no read. The
  // task may be of any managed service of the cluster bound to the group (which those are is kept like the service).
  const now = (deps.now ?? currentTime)();
  const mayBeReused = deregistering.some((s) => inOpenGroups.has(arnOf(s)) && !addressStillHeld(s.message.event, now));
  if (mayBeReused) {
    const stopping = new Set(stops.map(arnOf));
    const openArns = new Set(open.map((g) => g.targetGroupArn));
    try {
      const others = await observeOtherManagedServices(clients.ecs, cache, deps.config, clusterName, serviceName);
      [running, sharing] = await Promise.all([
        observeRunningTargets(clients.ecs, cache, service, stopping),
        observeTargetsOfSharingServices(clients.ecs, cache, others, openArns, stopping),
      ]);
    } catch (error) {
      return failAll(`the service's running tasks could not be read: ${(error as Error).message}`);
    }
  }

  // plan → guard → apply → verify, per target group under its lease; the lease of a lone group is freed in the write
  // that claims the stops' reports, which it makes anyway
  const ledger = deps.config.dryRun ? undefined : deps.sweepLedger;
  let held: Lease | undefined;
  share.outcomes = await Promise.all(
    groups.map(({ targetGroupArn, here }) => {
      const done = settled.get(targetGroupArn);
      if (done) return done;
      const runningHere = running.get(targetGroupArn) ?? new Set<string>();
      const work = async (): Promise<TargetGroupOutcome> => {
        const batch = {
          targetGroupArn,
          subject: { clusterName, serviceName },
          stops: here,
          runningTargets: runningHere,
          sharingTargets: sharing.get(targetGroupArn),
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
      };
      const leased =
        open.length === 1 && ledger
          ? executor.holdingTargetGroupLease(targetGroupArn, work).then(({ result, lease }) => {
              held = lease;
              return result;
            })
          : executor.underTargetGroupLease(targetGroupArn, work);
      return leased.catch((error: Error) => ({
        targetGroupArn,
        audit: [],
        error: `${error.name}: ${error.message}`,
      }));
    }),
  );
  const takeLease = () => {
    const lease = held;
    held = undefined;
    return lease;
  };
  try {
    return await reportServiceStops(share, { screened, stops, sweep, ledger, takeLease, deps });
  } finally {
    // Freed here when the claim of the stops' reports did not take it: it must not wait for its expiry.
    await takeLease()
      ?.release()
      .catch(() => undefined);
  }
}
