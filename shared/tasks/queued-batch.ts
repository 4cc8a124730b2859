import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { readQueuedTaskEvents } from '../events/task-stop-queue.js';
import type { AuditRecord } from '../executor/audit.js';
import { reactToTaskStopBatch, type TaskBatchReaction } from './batch-react.js';
import type { TaskBatchDeps } from './batch-types.js';
import { type PlacedTaskBatchDeps, reactToTaskStopsByPlace } from './by-place.js';

/** The queue's answer for a batch, with the whole reaction and its audit (for metrics and replays). */
export type QueuedBatchResult = SQSBatchResponse & { reaction: TaskBatchReaction; audit: AuditRecord[] };

/**
 * One batch of the task-events queue: reads every record (an unreadable one fails alone), reacts to the rest, and
 * returns each failed message to the queue for a retry, logged once with why.
 */
export async function reactToQueuedTaskStops(
  records: ReadonlyArray<Pick<SQSRecord, 'messageId' | 'body' | 'attributes'>>,
  deps: TaskBatchDeps | PlacedTaskBatchDeps,
): Promise<QueuedBatchResult> {
  const { events, unreadable } = readQueuedTaskEvents(records);
  // Deployed, the batch may span accounts and regions; a test or replay wired to one place reacts there alone.
  const reaction =
    'clientsAt' in deps ? await reactToTaskStopsByPlace(events, deps) : await reactToTaskStopBatch(events, deps);
  reaction.failures.unshift(...unreadable);
  for (const f of reaction.failures) deps.logger.error(`returned to the queue for a retry: ${f.why}`, f);
  const failed = new Set(reaction.failures.map((f) => f.messageId));
  const audit = reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.audit));
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })), reaction, audit };
}
