import type { Alert, AlertSeverity } from '../alert.js';

/** Alerts counted into a group and not yet in a message. */
export interface PendingAlerts {
  /** Alerts counted (each alert counts its occurrences). */
  count: number;
  /** Of them, alerts of incidents not told before: only they make a message due before the repeat interval. */
  newIncidents: number;
  firstAt: string;
  lastAt: string;
  bySeverity: Record<AlertSeverity, number>;
  /** The most severe alert, the first of its severity: the example a person reads. */
  worst: Alert;
}

/**
 * One group of alerts (a service and a kind) as it is stored between invocations: what was counted, what is waiting,
 * what was told, and the messages planned but not yet confirmed delivered.
 */
export interface AlertGroup {
  key: string;
  cluster: string;
  service: string;
  kind: string;
  /** The chat thread of the whole episode: the first alert's incident id. */
  threadId: string;
  openedAt: string;
  lastAlertAt: string;
  /** Alerts counted since the group opened. */
  total: number;
  /** Alerts counted but left out of any message: repeats within the repeat interval. */
  repeatsNotSent: number;
  pending?: PendingAlerts;
  /** Messages sent so far in this episode; numbers each message. */
  messages: number;
  lastMessageAt?: string;
  /** When the waiting alerts are due: group wait after opening, group interval after a message. */
  dueAt: string;
  /** The due time a flush has been asked for: one request per due time, however many alerts wait for it. */
  flushRequestedFor?: string;
  /** Receipts of the alerts already counted, by receipt id → epoch ms: a redelivered record is not counted twice. */
  counted: Record<string, number>;
  /** Incidents already in a message or waiting, by incident id → epoch ms. */
  incidents: Record<string, number>;
  /** Messages planned by a flush and not yet confirmed sent: a retried flush sends them again, never loses them. */
  unsent: Alert[];
}

/** One alert as the notifier receives it: the alert and the id of the record that carried it. */
export interface ReceivedAlert {
  alert: Alert;
  /** Stable across redeliveries of the same record (the SQS message id). */
  receiptId: string;
}
