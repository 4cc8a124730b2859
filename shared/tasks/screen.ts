import { clusterNameOf } from '../aws/arn.js';
import { serviceManagement } from '../config/managed.js';
import type { AutopilotConfig, TaskFailurePolicy } from '../config/schema.js';
import type { TaskStateChangeEvent } from '../events/task-state-change.js';

/** Where a task belongs, read from its event. */
export interface TaskSubject {
  clusterName: string;
  serviceName: string;
  taskArn: string;
}

/** The verdict on whether an event deserves a reaction, before any AWS call. */
export type Screening =
  | { act: true; subject: TaskSubject; policy: TaskFailurePolicy }
  | { act: false; why: string; subject?: Partial<TaskSubject> };

/**
 * Decides from the event alone whether to react. Pure: config, the event, the clock and what this container
 * has already seen (the highest version of the task) are all inputs.
 */
export function screenTaskEvent(
  event: TaskStateChangeEvent,
  config: AutopilotConfig,
  now: Date,
  seenVersion: number | undefined,
): Screening {
  const task = event.detail;
  const clusterName = clusterNameOf(task.clusterArn);
  const base = { clusterName, taskArn: task.taskArn };
  if (task.desiredStatus !== 'STOPPED') {
    return { act: false, why: `the task is not stopping (desired ${task.desiredStatus})`, subject: base };
  }
  const group = task.group ?? '';
  if (!group.startsWith('service:')) {
    return { act: false, why: `standalone task (group "${group || 'none'}"), not part of a service`, subject: base };
  }
  const subject = { ...base, serviceName: group.slice('service:'.length) };
  if (seenVersion !== undefined && task.version <= seenVersion) {
    const what = task.version === seenVersion ? 'a duplicate' : 'out of order';
    return { act: false, why: `${what}: version ${task.version}, already handled ${seenVersion}`, subject };
  }
  const ageSeconds = (now.getTime() - Date.parse(event.time)) / 1000;
  if (ageSeconds > config.events.maxAgeSeconds) {
    return {
      act: false,
      why: `stale: the event is ${Math.round(ageSeconds)} s old (limit ${config.events.maxAgeSeconds} s); the reconciler converges instead`,
      subject,
    };
  }
  const management = serviceManagement(config, clusterName, subject.serviceName);
  if (!management.managed) return { act: false, why: management.why, subject };
  return { act: true, subject, policy: management.taskFailures };
}
