/** A service's share of a batch, reported on plain data: what the service-report tests share. */
import type { TaskDetail } from '#shared/events/task-state-change.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import type { TargetGroupOutcome } from '#shared/tasks/batch-report.js';
import type { TargetVerdict } from '#shared/tasks/plan.js';
import { type ObservedStop, reportServiceStops, type ServiceStops } from '#shared/tasks/service-report.js';
import type { JoinedSweep } from '#shared/tasks/service-sweep.js';
import { config } from './builders.js';
import { keptLogger, type recordingLedger, screenedStop } from './tasks-ledger.js';

/** A stop of prod/web with one target in `group`; its event early (RUNNING, not started) unless told otherwise. */
export function observed(
  id: string,
  group: string,
  options: { detail?: Partial<TaskDetail>; attempt?: number; missing?: string[]; messageId?: string } = {},
): ObservedStop {
  const detail = { lastStatus: 'DEACTIVATING', ...options.detail };
  const stop = screenedStop(id, { detail, ...(options.attempt !== undefined && { attempt: options.attempt }) });
  const message = options.messageId ? { ...stop.message, messageId: options.messageId } : stop.message;
  return {
    ...stop,
    message,
    targets: [{ targetGroupArn: group, targets: [{ id: `10.0.1.${id.length}`, port: 8080 }] }],
    missing: options.missing ?? [],
  };
}

export const arnOf = (id: string) => `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`;

export function record(group: string, outcome: AuditRecord['outcome'], error?: AuditRecord['error']): AuditRecord {
  return {
    action: { kind: 'deregister-targets', targetGroupArn: group } as AuditRecord['action'],
    description: `deregistered from ${group.split('/')[1]}`,
    outcome,
    why: 'the task stopped',
    at: '2026-11-24T12:00:01.000Z',
    durationMs: 40,
    ...(error && { error }),
  };
}

export function outcome(group: string, decisions: Array<[string, TargetVerdict]>, audit: AuditRecord[] = []) {
  const plan = {
    decisions: decisions.map(([id, verdict]) => ({ taskArn: arnOf(id), target: '10.0.1.2:8080', verdict, why: '' })),
    needsWholeGroup: false,
  };
  return { targetGroupArn: group, plan, audit } satisfies TargetGroupOutcome;
}

/** Reports the share of `stops` with these outcomes; what was published and the logger's lines come back too. */
export async function report(
  stops: ObservedStop[],
  outcomes: TargetGroupOutcome[],
  options: { sweep?: Partial<JoinedSweep>; ledger?: ReturnType<typeof recordingLedger>; maxAttempts?: number } = {},
) {
  const share: ServiceStops = {
    clusterName: 'prod',
    serviceName: 'web',
    messages: stops.map((s) => s.message),
    outcomes,
    notes: [],
    failures: [],
    adopted: [],
  };
  const published: unknown[] = [];
  const pending = { alert: {} as never, confirm: async () => undefined };
  const sweep: JoinedSweep = {
    stops,
    reportedElsewhere: new Set(),
    adopted: [],
    publish: async (handled, reported) => {
      published.push({ handled: handled.map((h) => h.message.event.detail.taskArn), reported: reported?.reported });
      return pending;
    },
    ...options.sweep,
  };
  const released: string[] = [];
  const lease = { release: async () => void released.push('lease') };
  let held: typeof lease | undefined = lease;
  const kept = keptLogger();
  const deps = {
    logger: kept.logger,
    config: config(),
    windowStart: '2026-11-24T12:00:00.000Z',
    maxAttempts: options.maxAttempts ?? 3,
  } as never;
  const result = await reportServiceStops(share, {
    screened: stops,
    stops,
    sweep,
    ledger: options.ledger?.ledger,
    takeLease: () => {
      const taken = held;
      held = undefined;
      return taken;
    },
    deps,
  });
  return { result, published, released, pending, lease };
}
