import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CanaryConfig } from '../config/canary.js';
import type { AuditRecord } from '../executor/audit.js';
import { countLostAlerts } from '../logging/metrics.js';
import type { Alert } from '../notify/alert.js';
import { enqueueAlert } from '../notify/outbox.js';
import { StateConflictError, type StateStore } from '../state/index.js';
import { canaryAlert } from './report.js';
import type { CanaryRecord, PendingAlert } from './status.js';
import type { StoredCanary } from './store.js';
import { alerted, isPending, unalertedDecisions } from './tick-record.js';
import type { CanaryTickPlan } from './types.js';

/** What reporting a tick needs of the promoter's dependencies. */
export interface TickAlertDeps {
  config: { dryRun: boolean };
  clients: { sqs?: SQSClient };
  store: StateStore;
  outboxUrl?: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  region: string;
  account?: string;
}

/**
 * Whether an alert built here is queued: the function has an outbox; the command line's pass has none, reports its
 * own decision on its output, and leaves an earlier tick's pending alert for the function's ticks.
 */
export function hasOutbox<D extends Pick<TickAlertDeps, 'outboxUrl' | 'clients'>>(
  deps: D,
): deps is D & { outboxUrl: string; clients: { sqs: SQSClient } } {
  return deps.outboxUrl !== undefined && deps.clients.sqs !== undefined;
}

/** The alert of a tick's decision, queued to the outbox when the function has one; undefined when it deserves none. */
export async function queueTickAlert(
  deps: TickAlertDeps,
  canary: CanaryConfig,
  tick: { record: CanaryRecord; plan: CanaryTickPlan; audit: AuditRecord[]; now: string },
): Promise<Alert | undefined> {
  const alert = canaryAlert({
    config: canary,
    ...tick,
    place: { region: deps.region, ...(deps.account ? { account: deps.account } : {}) },
    dryRun: deps.config.dryRun,
  });
  if (alert && hasOutbox(deps)) await enqueueAlert(deps.clients.sqs, deps.outboxUrl, alert);
  return alert;
}

/**
 * Counts as lost the pending alerts a newer decision pushed out of the record's full list (the outbox refusing for
 * `maxPendingAlerts` alerting ticks running), once the write that drops them landed.
 */
export function countDroppedAlerts(deps: Pick<TickAlertDeps, 'logger'>, name: string, dropped: PendingAlert[]): void {
  if (dropped.length === 0) return;
  deps.logger.error(`canary ${name}: ${dropped.length} alert(s) never queued were dropped for newer decisions`, {
    dropped,
  });
  countLostAlerts(dropped.length);
}

/**
 * Clears the pending decisions at `ats` once their alerts are queued, conditional on the version held. Refused or
 * failed, they stay pending and a later tick queues their alerts again under the same keys, which the outbox drops:
 * the alerts are out, so nothing here fails the tick. Refused because the record moved (this write landed and its
 * answer was lost, or a copy of this tick or an operator wrote first), the record as it is now is what the tick goes
 * on from, so that its own write is not refused in turn.
 */
export async function markAlerted(
  deps: Pick<TickAlertDeps, 'store' | 'logger'>,
  held: StoredCanary,
  ats: readonly string[],
): Promise<StoredCanary> {
  if (!ats.some((at) => isPending(held.data, at))) return held;
  try {
    return await deps.store.replace(held, alerted(held.data, ats));
  } catch (error) {
    deps.logger.warn(`canary ${held.data.name}: its alert is queued, but the record could not say so`, { error });
    if (!(error instanceof StateConflictError)) return held;
    return (await deps.store.get<CanaryRecord>(held.key).catch(() => undefined)) ?? held;
  }
}

/**
 * The alerts of decisions ticks recorded and never confirmed queued (each tick failed after its record was written,
 * and so may every retry of its event), oldest first, each under its own tick's time so that a repeat is dropped,
 * then marked; the decision of the tick at `except` is left to that tick's own report. A refusal leaves that alert
 * and those after it for the next tick: it never keeps this tick from its own work, a rollback's included.
 */
export async function queueEarlierAlerts(
  deps: TickAlertDeps,
  canary: CanaryConfig,
  stored: StoredCanary,
  except?: string,
): Promise<StoredCanary> {
  if (deps.config.dryRun || !hasOutbox(deps)) return stored;
  const queued: string[] = [];
  for (const earlier of unalertedDecisions(stored.data, except)) {
    try {
      const alert = await queueTickAlert(deps, canary, {
        record: earlier.record,
        plan: earlier.plan,
        audit: [],
        now: earlier.at,
      });
      queued.push(earlier.at);
      deps.logger.info(`canary ${canary.name}: queued the alert its tick at ${earlier.at} could not`, {
        title: alert?.title,
      });
    } catch (error) {
      deps.logger.warn(`canary ${canary.name}: the alert of the tick at ${earlier.at} could not be queued yet`, {
        error,
      });
      break;
    }
  }
  return markAlerted(deps, stored, queued);
}
