import type { Logger } from '@aws-lambda-powertools/logger';
import type { GroupingOptions } from '../../config/notifications.js';
import { StateConflictError, type StateKey, type StateStore, type Versioned } from '../../state/index.js';
import type { Alert } from '../alert.js';
import { confirmSent, type FlushPlan, type GroupId, groupIdText, planFlush, recordAlert } from './plan.js';
import type { FlushRequest } from './queues.js';
import type { AlertGroup, ReceivedAlert } from './types.js';

/**
 * The state record of a group: one partition per service where it lives, one record per kind. A group id without a
 * place (a flush request queued before groups were kept per place) names the record stored then, without one.
 */
export function groupStateKey(id: GroupId): StateKey {
  const [cluster, service, ...kind] = id.groupKey.split('/');
  const where = id.place ? `${id.place.account}/${id.place.region}/` : '';
  return { pk: `alert-group/${where}${cluster}/${service}`, sk: kind.join('/') };
}

/** How long a group's record outlives its last write: it is over after the repeat interval anyway. */
function ttlSeconds(options: GroupingOptions): number {
  return options.repeatIntervalSeconds + options.groupIntervalSeconds + 3600;
}

/** Conditional writes lost in a row before giving up (the record is retried by its queue). */
const MAX_CONFLICTS = 20;

/** Reads a group, changes it with a pure step, and writes it back only if nobody wrote in between; again if somebody did. */
async function updateGroup<R extends { group?: AlertGroup }>(
  store: StateStore,
  key: StateKey,
  options: GroupingOptions,
  step: (current: AlertGroup | undefined) => R,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.get<AlertGroup>(key);
    const outcome = step(current?.data);
    const next = outcome.group;
    if (next === undefined || next === current?.data) return outcome;
    try {
      if (current) await store.replace(current as Versioned<AlertGroup>, next, { ttlSeconds: ttlSeconds(options) });
      else await store.create(key, next, { ttlSeconds: ttlSeconds(options) });
      return outcome;
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= MAX_CONFLICTS) throw error;
      // Another invocation wrote the group first: jitter a little, read again and decide afresh.
      await new Promise((done) => setTimeout(done, Math.random() * 20 * attempt));
    }
  }
}

/**
 * Counts alerts of one group into the state table with one conditional write, however many the batch holds. Safe
 * under concurrency (conditional writes) and retries (counted alerts are remembered). Returns how many alerts were new
 * and the occurrences they stand for, and when a flush must be asked for, if it must.
 */
export async function recordGroupedAlerts(
  store: StateStore,
  group: GroupId,
  received: ReceivedAlert[],
  now: () => Date,
  options: GroupingOptions,
): Promise<{ counted: number; occurrences: number; flushAt?: Date }> {
  const outcome = await updateGroup(store, groupStateKey(group), options, (current) => {
    let group = current;
    let counted = 0;
    let occurrences = 0;
    let flushAt: Date | undefined;
    for (const one of received) {
      const step = recordAlert(group, one, now(), options);
      group = step.group;
      counted += step.counted ? 1 : 0;
      occurrences += step.occurrences;
      flushAt = step.flushAt ?? flushAt;
    }
    return { group, counted, occurrences, flushAt };
  });
  const { counted, occurrences, flushAt } = outcome;
  return { counted, occurrences, ...(flushAt ? { flushAt } : {}) };
}

/** What a flush depends on: the store, the clock, and how a group message is sent (idempotent by its dedup key). */
export interface FlushDeps {
  store: StateStore;
  now: () => Date;
  options: GroupingOptions;
  send: (message: Alert) => Promise<void>;
  logger: Pick<Logger, 'info'>;
}

/**
 * Flushes one group: plans and records its due message first (conditionally), then sends every message the group
 * still owes, then marks them sent. A flush that dies between the steps, or runs twice at once, loses nothing: the
 * owed messages stay in the record until confirmed, and sending them again is de-duplicated by their keys.
 */
export async function flushGroup(
  request: FlushRequest,
  deps: FlushDeps,
): Promise<{ sent: Alert[]; planned?: Alert; flushAt?: Date }> {
  const { store, options, logger } = deps;
  const groupKey = groupIdText(request);
  const key = groupStateKey(request);
  const planned = await updateGroup(
    store,
    key,
    options,
    (current): Partial<FlushPlan> => (current ? planFlush(current, deps.now(), options, request.flushAt) : {}),
  );
  const owed = planned.group?.unsent ?? [];
  for (const message of owed) {
    await deps.send(message);
    logger.info(`group message sent: ${message.title}`, {
      groupKey,
      dedupKey: message.dedupKey,
      threadId: message.incidentId,
    });
  }
  if (owed.length > 0) {
    const keys = owed.map((m) => m.dedupKey ?? m.incidentId);
    await updateGroup(store, key, options, (current) => {
      if (!current) return {} as { group?: AlertGroup };
      const confirmed = confirmSent(current, keys);
      return { group: confirmed.unsent.length === current.unsent.length ? current : confirmed };
    });
  }
  return {
    sent: owed,
    ...(planned.message ? { planned: planned.message } : {}),
    ...(planned.flushAt ? { flushAt: planned.flushAt } : {}),
  };
}
