import type { SQSRecord } from 'aws-lambda';
import * as v from '../validation/input-schema.js';
import { describeIssues } from '../validation/issues.js';
import { type TaskStateChangeEvent, TaskStateChangeEventSchema } from './task-state-change.js';

/** A queued task event, or why its message cannot be read (it is returned to the queue and ends in the DLQ). */
export type QueuedTaskEvent =
  | { ok: true; messageId: string; event: TaskStateChangeEvent; attempt: number; firstReceivedAt?: number }
  | { ok: false; messageId: string; why: string };

/** Reads the EventBridge event that an SQS message of the task-events queue carries, naming every bad field. */
export function readQueuedTaskEvent(record: Pick<SQSRecord, 'messageId' | 'body' | 'attributes'>): QueuedTaskEvent {
  const { messageId } = record;
  // Stryker disable next-line StringLiteral: any count that is not a number reads as the first attempt, '1' included
  const attempt = Number.parseInt(record.attributes?.ApproximateReceiveCount ?? '1', 10) || 1;
  // Stryker disable next-line StringLiteral: any text that is not a number leaves the first receipt unknown
  const firstReceivedAt = Number.parseInt(record.attributes?.ApproximateFirstReceiveTimestamp ?? '', 10);
  const received = Number.isFinite(firstReceivedAt) ? { firstReceivedAt } : {};
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    return { ok: false, messageId, why: `the message is not JSON: ${(error as Error).message}` };
  }
  const parsed = v.safeParse(TaskStateChangeEventSchema, body);
  if (parsed.success) return { ok: true, messageId, event: parsed.output, attempt, ...received };
  return {
    ok: false,
    messageId,
    why: `invalid ECS Task State Change event: ${describeIssues(parsed.issues).join('; ')}`,
  };
}

/** A batch of the task-events queue split into readable events and unreadable messages (each with why). */
export function readQueuedTaskEvents(records: ReadonlyArray<Pick<SQSRecord, 'messageId' | 'body' | 'attributes'>>) {
  const read = records.map(readQueuedTaskEvent);
  return {
    events: read.flatMap((r) =>
      r.ok
        ? [
            {
              messageId: r.messageId,
              event: r.event,
              attempt: r.attempt,
              ...(r.firstReceivedAt !== undefined && { firstReceivedAt: r.firstReceivedAt }),
            },
          ]
        : [],
    ),
    unreadable: read.flatMap((r) => (r.ok ? [] : [{ messageId: r.messageId, why: r.why }])),
  };
}
