import type { Alert, AlertSeverity } from '../alert.js';

/** Alerts counted into a group and not yet in a message. */
export interface PendingAlerts {
  /** Occurrences counted: each alert counts as many as it stands for (see `Alert.occurrences`), 1 by default. */
  count: number;
  /**
   * Of them, alerts of incidents not told before, or counting occurrences of their own: only they make a message due
   * before the repeat interval.
   */
  newIncidents: number;
  firstAt: string;
  lastAt: string;
  bySeverity: Record<AlertSeverity, number>;
  /** The most severe alert, the first of its severity: the example a person reads. */
  worst: Alert;
}

/**
 * One group of alerts (a service where it lives, and a kind) as it is stored between invocations: what was counted,
 * what is waiting, what was told, and the messages planned but not yet confirmed delivered.
 */
export interface AlertGroup {
  key: string;
  /** The account and region of the service; absent in groups stored before groups were kept per place. */
  account?: string;
  region?: string;
  cluster: string;
  service: string;
  kind: string;
  /** The chat thread of the whole episode: the first alert's incident id. */
  threadId: string;
  openedAt: string;
  lastAlertAt: string;
  /** Occurrences counted since the group opened. */
  total: number;
  /** Occurrences counted but left out of any message: repeats within the repeat interval. */
  repeatsNotSent: number;
  pending?: PendingAlerts;
  /** Messages sent so far in this episode; numbers each message. */
  messages: number;
  lastMessageAt?: string;
  /** When the waiting alerts are due: group wait after opening, group interval after a message. */
  dueAt: string;
  /** The due time a flush has been asked for: one request per due time, however many alerts wait for it. */
  flushRequestedFor?: string;
  /**
   * Alerts already counted, by the hash of their delivery key → epoch ms: a redelivered record, or the same alert
   * queued again, does not add its occurrences twice.
   */
  counted: Record<string, number>;
  /** Incidents already in a message or waiting, by incident id → epoch ms. */
  incidents: Record<string, number>;
  /** Messages planned by a flush and not yet confirmed sent: a retried flush sends them again, never loses them. */
  unsent: Alert[];
}

/** One alert as the notifier receives it: the alert and the id of the record that carried it. */
export interface ReceivedAlert {
  alert: Alert;
  /** The SQS message id of the record: which record's delivery waits on the group's write. */
  receiptId: string;
}
