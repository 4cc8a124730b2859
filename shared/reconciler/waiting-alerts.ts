import type { Logger } from '@aws-lambda-powertools/logger';
import type { Alert } from '../notify/alert.js';
import { StateConflictError, type StateKey, type StateStore } from '../state/index.js';

/** The part of the state store the sweep's waiting alerts need. */
export type WaitingAlertStore = Pick<StateStore, 'get' | 'create' | 'replace'>;

interface Waiting {
  alerts: Alert[];
}

/** How long an alert waits for a sweep that can queue it: a day, then it is stale. */
const TTL_SECONDS = 24 * 3600;
/** The most that wait at once (one a sweep while SQS refuses): the newest, so the record stays far below 400 KB. */
export const MOST_WAITING = 20;
/** Conditional writes lost in a row to another sweep before leaving the alert to the log. */
const ATTEMPTS = 5;

/** Where the sweep alerts of one account and region wait that SQS refused. */
export function waitingAlertsKey(place: { account: string; region: string }): StateKey {
  return { pk: `reconciler/${place.account}/${place.region}`, sk: 'waiting-alerts' };
}

/**
 * The alerts earlier sweeps could not queue, to queue before this sweep's own, and how to take them off once queued
 * (conditional on the version read: when another sweep wrote in between, they stay, and the next sweep queues them
 * again, which the outbox's de-duplication drops). None when the record cannot be read: this sweep's alert goes on.
 */
export async function readWaitingAlerts(
  store: WaitingAlertStore,
  key: StateKey,
  logger: Pick<Logger, 'warn'>,
): Promise<{ alerts: Alert[]; queued(): Promise<void> }> {
  const found = await store.get<Waiting>(key).catch((error: unknown) => {
    logger.warn('the alerts of earlier sweeps could not be read; the next sweep tries again', { error });
    return undefined;
  });
  const alerts = found?.data.alerts ?? [];
  const queued = async () => {
    if (!found || alerts.length === 0) return;
    await store.replace(found, { alerts: [] }).catch((error: unknown) => {
      if (!(error instanceof StateConflictError)) throw error;
    });
  };
  return { alerts, queued };
}

/**
 * Leaves a sweep's alert to wait for the next sweep, beside those already waiting (a read-modify-write conditional on
 * the version read, again when another sweep wrote in between); the oldest go past {@link MOST_WAITING}.
 */
export async function leaveWaiting(store: WaitingAlertStore, key: StateKey, alert: Alert): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const found = await store.get<Waiting>(key);
    const alerts = [...(found?.data.alerts ?? []), alert].slice(-MOST_WAITING);
    try {
      if (found) await store.replace(found, { alerts }, { ttlSeconds: TTL_SECONDS });
      else await store.create(key, { alerts }, { ttlSeconds: TTL_SECONDS });
      return;
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
