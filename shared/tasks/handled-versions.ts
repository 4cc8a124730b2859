import { LRUCache } from 'lru-cache';

/**
 * The highest `detail.version` this container has handled per task: drops duplicates and out-of-order events without
 * an AWS call. Across containers, idempotent writes and the outbox's de-duplication cover the rest.
 */
export type HandledTaskVersions = LRUCache<string, number>;

export function createHandledTaskVersions(max = 10_000): HandledTaskVersions {
  return new LRUCache<string, number>({ max, ttl: 30 * 60 * 1000 });
}

/** Remembers a handled version, never lowering what is already remembered. */
export function rememberHandledVersion(memory: HandledTaskVersions, taskArn: string, version: number): void {
  const seen = memory.get(taskArn);
  if (seen === undefined || version > seen) memory.set(taskArn, version);
}
