import type { TaskDetail } from '../events/task-state-change.js';
import { isAwsvpc } from '../targets/task-targets.js';

/** An ENI attachment in these states still exists, so no other task can hold its address. */
const eniHeld = new Set(['PRECREATED', 'CREATED', 'ATTACHING', 'ATTACHED', 'DETACHING']);
/** How old an event may be for its ENI's state to still hold: a freed address takes longer to be a new task's target. */
export const ENI_STATE_FRESH_MS = 10_000;

/**
 * True when the event proves that no running task can own the stopped task's target now: an awsvpc task whose ENI
 * was still attached when the event was sent, less than {@link ENI_STATE_FRESH_MS} ago. Its address is the ENI's; a
 * new task gets it only after that ENI is deleted, then starts and registers, which takes longer than that. Pure.
 */
export function addressStillHeld(event: { time: string; detail: TaskDetail }, now: Date): boolean {
  const age = now.getTime() - Date.parse(event.time);
  if (!(age <= ENI_STATE_FRESH_MS) || !isAwsvpc(event.detail)) return false;
  const enis = event.detail.attachments.filter((a) =>
    ['eni', 'elasticnetworkinterface'].includes(a.type.toLowerCase()),
  );
  return enis.length > 0 && enis.every((a) => eniHeld.has((a.status ?? '').toUpperCase()));
}

/** True when ECS answered that the cluster does not exist: the config and the account disagree. */
export function isClusterNotFound(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ClusterNotFoundException';
}
