import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CanaryConfig } from '../config/canary.js';
import type { AuditRecord } from '../executor/audit.js';
import type { Alert } from '../notify/alert.js';
import { enqueueAlert } from '../notify/outbox.js';
import type { StateStore } from '../state/index.js';
import { canaryAlert } from './report.js';
import type { CanaryRecord } from './status.js';
import type { StoredCanary } from './store.js';
import { alerted, unalertedDecision } from './tick-record.js';
import type { CanaryTickPlan } from './types.js';

/** What reporting a tick needs of the promoter's dependencies. */
export interface TickAlertDeps {
  config: { dryRun: boolean };
  clients: { sqs?: SQSClient };
  store: StateStore;
  outboxUrl?: string;
  logger: Pick<Logger, 'info' | 'warn'>;
  region: string;
  account?: string;
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
  if (alert && deps.outboxUrl && deps.clients.sqs) await enqueueAlert(deps.clients.sqs, deps.outboxUrl, alert);
  return alert;
}

/**
 * Clears the record's pending decision once its alert is queued, conditional on the version held. Refused or failed,
 * the pending decision stays and a later tick queues its alert again under the same key, which the outbox drops: the
 * alert is out, so nothing here fails the tick.
 */
export async function markAlerted(
  deps: Pick<TickAlertDeps, 'store' | 'logger'>,
  held: StoredCanary,
): Promise<StoredCanary> {
  if (!held.data.unalerted) return held;
  try {
    return await deps.store.replace(held, alerted(held.data));
  } catch (error) {
    deps.logger.warn(`canary ${held.data.name}: its alert is queued, but the record could not say so`, { error });
    return held;
  }
}

/**
 * The alert of a decision a tick recorded and never confirmed queued (it failed after the record was written, and so
 * may every retry of its event), queued under that tick's time so that a repeat is dropped, then marked; the decision
 * of the tick at `except` is left to that tick's own report. A failure is left for the next tick: it never keeps this
 * tick from its own work, a rollback's included.
 */
export async function queueEarlierAlert(
  deps: TickAlertDeps,
  canary: CanaryConfig,
  stored: StoredCanary,
  except?: string,
): Promise<StoredCanary> {
  // Without an outbox (the command line's pass) the alert would go nowhere: it is left for the function's next tick.
  const outbox = deps.outboxUrl !== undefined && deps.clients.sqs !== undefined;
  const earlier = deps.config.dryRun || !outbox ? undefined : unalertedDecision(stored.data, except);
  if (!earlier) return stored;
  try {
    const alert = await queueTickAlert(deps, canary, {
      record: stored.data,
      plan: earlier.plan,
      audit: [],
      now: earlier.at,
    });
    deps.logger.info(`canary ${canary.name}: queued the alert of the tick at ${earlier.at}, which its tick could not`, {
      title: alert?.title,
    });
  } catch (error) {
    deps.logger.warn(`canary ${canary.name}: the alert of the tick at ${earlier.at} could not be queued yet`, {
      error,
    });
    return stored;
  }
  return markAlerted(deps, stored);
}
