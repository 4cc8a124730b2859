import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { GroupingOptions } from '../../config/notifications.js';
import type { StateStore } from '../../state/index.js';
import * as v from '../../validation/input-schema.js';
import { flushGroup } from './durable.js';
import { groupIdText } from './plan.js';
import { enqueueGroupMessage, FlushRequestSchema, requestFlush } from './queues.js';

/** What a flush of the stack needs. */
export interface FlushWiring {
  store: StateStore;
  sqs: SQSClient;
  flushQueueUrl: string;
  outboxUrl: string;
  options: GroupingOptions;
  logger: Pick<Logger, 'info'>;
  now?: () => Date;
  /** Counts the group messages planned and sent (GroupMessagesSent). */
  metrics?: Pick<Metrics, 'addMetric'>;
}

/**
 * Handles one flush request: sends what the group owes to the alert outbox (the notifier publishes it), and asks
 * again when the request came before its time.
 */
export async function flushGroupRequest(body: string, wiring: FlushWiring): Promise<void> {
  const request = v.parse(FlushRequestSchema, JSON.parse(body));
  const now = wiring.now ?? (() => new Date());
  const { sent, planned, flushAt } = await flushGroup(request, {
    store: wiring.store,
    now,
    options: wiring.options,
    logger: wiring.logger,
    send: (message) => enqueueGroupMessage(wiring.sqs, wiring.outboxUrl, message),
  });
  // Counted by the flush that planned it: a racing flush may send it too, and the outbox keeps one.
  if (planned) wiring.metrics?.addMetric('GroupMessagesSent', 'Count', 1);
  if (flushAt) {
    await requestFlush(wiring.sqs, wiring.flushQueueUrl, { ...request, flushAt: flushAt.toISOString() }, now());
    wiring.logger.info(`group ${groupIdText(request)} not due yet: asked again for ${flushAt.toISOString()}`);
  } else if (sent.length === 0) {
    wiring.logger.info(`group ${groupIdText(request)}: nothing due`);
  }
}
