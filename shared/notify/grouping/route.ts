import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { GroupingOptions } from '../../config/notifications.js';
import type { StateStore } from '../../state/index.js';
import * as v from '../../validation/input-schema.js';
import type { Alert } from '../alert.js';
import { AlertSchema } from '../alert-schema.js';
import { recordGroupedAlerts } from './durable.js';
import { type GroupId, groupIdOf, groupIdText } from './plan.js';
import { GROUP_MESSAGE_ATTRIBUTE, requestFlush } from './queues.js';
import type { ReceivedAlert } from './types.js';

/** Grouping as the stack wires it: the state table, the flush queue and the options of the config file. */
export interface GroupingWiring {
  store: StateStore;
  sqs: SQSClient;
  flushQueueUrl: string;
  options: GroupingOptions;
}

/** What the notifier needs to route outbox records. */
export interface RouteDeps {
  /** Publishes the record's alert to the topic (once, however often the record comes). */
  publish: (record: SQSRecord, alert: Alert) => Promise<void>;
  /** Absent, or switched off in the config: every alert is published as it comes. */
  grouping?: GroupingWiring;
  now?: () => Date;
  logger: Pick<Logger, 'info'>;
  /** Counts the alerts published (AlertsSent) and grouped (AlertsGrouped). */
  metrics?: Pick<Metrics, 'addMetric'>;
}

const isGroupMessage = (record: SQSRecord) =>
  record.messageAttributes?.[GROUP_MESSAGE_ATTRIBUTE]?.stringValue === 'true';

/** The alert of an outbox record, or undefined when it is none (it then fails on its own when delivered). */
function alertOf(record: SQSRecord): Alert | undefined {
  try {
    return v.parse(AlertSchema, JSON.parse(record.body));
  } catch {
    return undefined;
  }
}

/**
 * Routes the records of the alert outbox. A group's own message is published. Other alerts are counted into their
 * groups, the whole batch up front with one conditional write per group, and each group's flush is asked for (grouping
 * on); or published one by one (grouping off). A group whose write fails fails exactly its own records.
 */
export function outboxRouter(deps: RouteDeps) {
  const { grouping, logger } = deps;
  const now = deps.now ?? (() => new Date());

  async function recordGroup(group: GroupId, received: ReceivedAlert[], wiring: GroupingWiring): Promise<void> {
    const outcome = await recordGroupedAlerts(wiring.store, group, received, now, wiring.options);
    deps.metrics?.addMetric('AlertsGrouped', 'Count', outcome.counted);
    if (outcome.flushAt) {
      const request = { ...group, flushAt: outcome.flushAt.toISOString() };
      await requestFlush(wiring.sqs, wiring.flushQueueUrl, request, now());
    }
    logger.info(`${outcome.counted} of ${received.length} alert(s) counted into group ${groupIdText(group)}`, {
      occurrences: outcome.occurrences,
      flushAt: outcome.flushAt?.toISOString(),
    });
  }

  /** Delivers one record: its group's write (failing if that failed), or its publication. */
  async function deliverRecord(record: SQSRecord, counted: Map<string, Promise<void>>): Promise<void> {
    const outcome = counted.get(record.messageId);
    if (outcome) return outcome;
    await deps.publish(record, v.parse(AlertSchema, JSON.parse(record.body)));
    deps.metrics?.addMetric('AlertsSent', 'Count', 1);
  }

  return {
    /** Counts a batch's alerts into their groups; returns how to deliver each of its records afterwards. */
    async startBatch(records: SQSRecord[]): Promise<{ deliver: (record: SQSRecord) => Promise<void> }> {
      const counted = new Map<string, Promise<void>>();
      if (grouping?.options.enabled) {
        const received = records.flatMap((record) => {
          const alert = isGroupMessage(record) ? undefined : alertOf(record);
          return alert ? [{ alert, receiptId: record.messageId }] : [];
        });
        for (const ofGroup of Map.groupBy(received, (r) => groupIdText(groupIdOf(r.alert))).values()) {
          const outcome = recordGroup(groupIdOf((ofGroup[0] as ReceivedAlert).alert), ofGroup, grouping);
          // Awaited per record by deliver; marked handled here so that a failure is not reported as unhandled.
          outcome.catch(() => undefined);
          for (const one of ofGroup) counted.set(one.receiptId, outcome);
        }
        await Promise.allSettled(counted.values());
      }
      return { deliver: (record) => deliverRecord(record, counted) };
    },
  };
}
