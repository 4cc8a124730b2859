import QuickLRU from 'quick-lru';

/**
 * The highest `detail.version` this container has handled per task: drops duplicates and out-of-order events without
 * an AWS call. Across containers, idempotent writes and the outbox's de-duplication cover the rest.
 */
export type HandledTaskVersions = QuickLRU<string, number>;

export function createHandledTaskVersions(max = 10_000): HandledTaskVersions {
  return new QuickLRU<string, number>({ maxSize: max, maxAge: 30 * 60 * 1000 });
}

/** Remembers a handled version, never lowering what is already remembered. */
export function rememberHandledVersion(memory: HandledTaskVersions, taskArn: string, version: number): void {
  const seen = memory.get(taskArn);
  // Stryker disable next-line EqualityOperator: remembering the same version again changes nothing
  if (seen === undefined || version > seen) memory.set(taskArn, version);
}
