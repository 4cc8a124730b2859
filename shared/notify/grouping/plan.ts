import { createHash } from 'node:crypto';
import type { GroupingOptions } from '../../config/notifications.js';
import { type Alert, type AlertSeverity, alertDeliveryKey } from '../alert.js';
import { groupMessage } from './summary.js';
import type { AlertGroup, PendingAlerts, ReceivedAlert } from './types.js';

/**
 * How long a counted delivery is remembered: as long as the notifier remembers a publication, far longer than SQS
 * redelivers a record (5 receives × 90 s) or the outbox de-duplicates a re-sent alert (5 min).
 */
const DELIVERY_MEMORY_MS = 60 * 60_000;
/** Bounds on what a group remembers, so that its item stays far below DynamoDB's 400 KB in any storm. */
const MAX_DELIVERIES = 2_000;
const MAX_INCIDENTS = 1_000;

const severityRank: Record<AlertSeverity, number> = { critical: 3, warning: 2, info: 1 };
const ms = (iso: string) => Date.parse(iso);
const seconds = (n: number) => n * 1000;

/** The service and kind of an alert's group, `cluster/service/kind`: unique within one account and region. */
export function groupKeyOf(alert: Alert): string {
  return `${alert.cluster}/${alert.service}/${alert.kind}`;
}

/**
 * Which group an alert belongs to: its service and kind where the service lives, so that same-named services of two
 * accounts or regions are two groups. `place` is absent only in flush requests queued before groups were kept per
 * place: they name a group stored without one.
 */
export interface GroupId {
  groupKey: string;
  place?: { account: string; region: string };
}

export function groupIdOf(alert: Alert): GroupId {
  return { groupKey: groupKeyOf(alert), place: { account: alert.account, region: alert.region } };
}

/** A group's id as one string, for logs and for telling groups apart in a batch: `account/region/cluster/service/kind`. */
export function groupIdText(id: GroupId): string {
  return id.place ? `${id.place.account}/${id.place.region}/${id.groupKey}` : id.groupKey;
}

/** The short key a group remembers a counted alert by: its delivery key, hashed to a fixed size. */
export function countedKeyOf(alert: Alert): string {
  return createHash('sha256').update(alertDeliveryKey(alert)).digest('base64url').slice(0, 16);
}

/** What one alert adds to its group: its count of occurrences and when they happened, never later than now. */
function occurrencesOf(alert: Alert, now: Date): Occurrences {
  const clamp = (iso: string | undefined) => (iso && ms(iso) <= now.getTime() ? iso : now.toISOString());
  const { occurrences } = alert;
  if (!occurrences) return { count: 1, firstAt: clamp(alert.occurredAt), lastAt: clamp(alert.occurredAt) };
  return { count: occurrences.count, firstAt: clamp(occurrences.firstAt), lastAt: clamp(occurrences.lastAt) };
}

type Occurrences = NonNullable<Alert['occurrences']>;

/** What recording one alert decided. */
export interface RecordOutcome {
  group: AlertGroup;
  /** False when the alert had been counted before (a redelivered record, a re-sent alert): the group is unchanged. */
  counted: boolean;
  /** The occurrences the alert added (0 when it was counted before). */
  occurrences: number;
  /** When a flush must be asked for; undefined when none waits or one was already asked for this due time. */
  flushAt?: Date;
}

/** Keeps the newest entries of a map of id → epoch ms, dropping those older than `since` and any beyond `max`. */
function prune(entries: Record<string, number>, since: number, max: number): Record<string, number> {
  const kept = Object.entries(entries)
    .filter(([, at]) => at >= since)
    .sort((a, b) => b[1] - a[1])
    .slice(0, max);
  return Object.fromEntries(kept);
}

function openGroup(alert: Alert, at: string, options: GroupingOptions): AlertGroup {
  return {
    key: groupIdText(groupIdOf(alert)),
    account: alert.account,
    region: alert.region,
    cluster: alert.cluster,
    service: alert.service,
    kind: alert.kind,
    threadId: alert.incidentId,
    openedAt: at,
    lastAlertAt: at,
    total: 0,
    repeatsNotSent: 0,
    messages: 0,
    dueAt: new Date(ms(at) + seconds(options.groupWaitSeconds)).toISOString(),
    counted: {},
    incidents: {},
    unsent: [],
  };
}

/** A group is over when it has been quiet for the repeat interval and owes nothing: the next alert opens a new one. */
export function isOver(group: AlertGroup, now: Date, options: GroupingOptions): boolean {
  const quietSince = ms(group.lastAlertAt);
  return (
    !group.pending && group.unsent.length === 0 && now.getTime() - quietSince >= seconds(options.repeatIntervalSeconds)
  );
}

function addToPending(
  pending: PendingAlerts | undefined,
  alert: Alert,
  occurred: Occurrences,
  isNew: boolean,
): PendingAlerts {
  const { count, firstAt, lastAt } = occurred;
  if (!pending) {
    return {
      count,
      newIncidents: isNew ? 1 : 0,
      firstAt,
      lastAt,
      bySeverity: { critical: 0, warning: 0, info: 0, [alert.severity]: count },
      worst: alert,
    };
  }
  return {
    count: pending.count + count,
    newIncidents: pending.newIncidents + (isNew ? 1 : 0),
    // Stryker disable next-line EqualityOperator: equivalent, on a tie both strings name the same instant
    firstAt: ms(firstAt) < ms(pending.firstAt) ? firstAt : pending.firstAt,
    // Stryker disable next-line EqualityOperator: equivalent, on a tie both strings name the same instant
    lastAt: ms(lastAt) > ms(pending.lastAt) ? lastAt : pending.lastAt,
    bySeverity: { ...pending.bySeverity, [alert.severity]: pending.bySeverity[alert.severity] + count },
    worst: severityRank[alert.severity] > severityRank[pending.worst.severity] ? alert : pending.worst,
  };
}

/**
 * Counts one alert into its group (opening the group if there is none, or the last one is over): as many occurrences
 * as it stands for. Pure. An alert counted before (by its delivery key: the same record again, or the same alert
 * queued again) changes nothing but still asks for the flush its group waits for, in case the first attempt never
 * asked.
 */
export function recordAlert(
  current: AlertGroup | undefined,
  received: ReceivedAlert,
  now: Date,
  options: GroupingOptions,
): RecordOutcome {
  const { alert } = received;
  const at = now.toISOString();
  const countedKey = countedKeyOf(alert);
  if (current && current.counted[countedKey] !== undefined) {
    return {
      group: current,
      counted: false,
      occurrences: 0,
      ...(current.pending ? { flushAt: new Date(current.dueAt) } : {}),
    };
  }
  const occurred = occurrencesOf(alert, now);
  const base = current && !isOver(current, now, options) ? current : openGroup(alert, at, options);
  // Occurrences are new by themselves (the stops of another batch): only an incident told again is a repeat.
  const isNew = alert.occurrences !== undefined || base.incidents[alert.incidentId] === undefined;
  const wasWaiting = base.pending !== undefined;
  // After a quiet spell the next message is due at once if its group interval has already passed.
  const dueAt =
    wasWaiting || base.messages === 0
      ? base.dueAt
      : new Date(
          Math.max(now.getTime(), ms(base.lastMessageAt ?? at) + seconds(options.groupIntervalSeconds)),
        ).toISOString();
  const group: AlertGroup = {
    ...base,
    // Stryker disable next-line EqualityOperator: equivalent, on a tie both strings name the same instant
    lastAlertAt: ms(at) > ms(base.lastAlertAt) ? at : base.lastAlertAt,
    total: base.total + occurred.count,
    pending: addToPending(base.pending, alert, occurred, isNew),
    dueAt,
    counted: prune(
      { ...base.counted, [countedKey]: now.getTime() },
      now.getTime() - DELIVERY_MEMORY_MS,
      MAX_DELIVERIES,
    ),
    incidents: prune(
      { ...base.incidents, [alert.incidentId]: now.getTime() },
      now.getTime() - seconds(options.repeatIntervalSeconds),
      MAX_INCIDENTS,
    ),
  };
  const counted = { counted: true, occurrences: occurred.count };
  if (group.flushRequestedFor === group.dueAt) return { group, ...counted };
  return { group: { ...group, flushRequestedFor: group.dueAt }, ...counted, flushAt: new Date(group.dueAt) };
}

/** What a flush decided. */
export interface FlushPlan {
  group: AlertGroup;
  /** The message to send now, if one is due. */
  message?: Alert;
  /** When to look again, if alerts wait for a later time. */
  flushAt?: Date;
}

/**
 * Decides whether the alerts waiting in a group make a message now. Pure. The first message of a group that holds one
 * alert is that alert; otherwise one summary with the exact counts. Waiting repeats of incidents already told make a
 * message only once the repeat interval has passed since the last one; before that they are counted and left out.
 * A flush that comes early (SQS delays at most 15 minutes) asks again for the time it was meant for; a stale one,
 * for a due time that has since moved, does nothing, since a request for the new time exists.
 */
export function planFlush(group: AlertGroup, now: Date, options: GroupingOptions, requestedFor?: string): FlushPlan {
  const { pending } = group;
  if (!pending) return { group };
  if (now.getTime() < ms(group.dueAt)) {
    const sameRequest = requestedFor === undefined || ms(requestedFor) === ms(group.dueAt);
    return sameRequest ? { group, flushAt: new Date(group.dueAt) } : { group };
  }
  const repeatDue =
    group.lastMessageAt === undefined ||
    now.getTime() - ms(group.lastMessageAt) >= seconds(options.repeatIntervalSeconds);
  const { pending: _sent, ...rest } = group;
  if (pending.newIncidents === 0 && !repeatDue) {
    return { group: { ...rest, repeatsNotSent: group.repeatsNotSent + pending.count } };
  }
  const message = groupMessage(group, pending);
  return {
    group: {
      ...rest,
      repeatsNotSent: 0,
      messages: group.messages + 1,
      lastMessageAt: now.toISOString(),
      dueAt: new Date(now.getTime() + seconds(options.groupIntervalSeconds)).toISOString(),
      unsent: [...group.unsent, message],
    },
    message,
  };
}

/** The group once these messages are known to be sent (by their dedup keys). Pure. */
export function confirmSent(group: AlertGroup, dedupKeys: string[]): AlertGroup {
  const sent = new Set(dedupKeys);
  return { ...group, unsent: group.unsent.filter((m) => !sent.has(m.dedupKey ?? m.incidentId)) };
}
