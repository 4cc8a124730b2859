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

/** The account and region this deployment manages: events from anywhere else are not ours to act on. */
export interface Home {
  account: string;
  region: string;
}

/** How far in the future an event may be dated (clock skew between AWS and us) and still count as fresh. */
export const MAX_CLOCK_SKEW_SECONDS = 30;

/** Why an event from elsewhere is not ours: its envelope or its cluster ARN names another account or region. */
function foreignOrigin(event: TaskStateChangeEvent, home: Home): string | undefined {
  const [, , , arnRegion, arnAccount] = event.detail.clusterArn.split(':');
  const origins = [
    ['account', event.account, home.account],
    ['region', event.region, home.region],
    ['cluster account', arnAccount, home.account],
    ['cluster region', arnRegion, home.region],
  ] as const;
  const wrong = origins.find(([, seen, ours]) => seen !== ours);
  return (
    wrong && `the event's ${wrong[0]} ${wrong[1] || 'none'} is not ours (${wrong[2]}): another deployment acts on it`
  );
}

/**
 * Decides from the event alone whether to react. Pure: config, the event, the clock, what this container
 * has already seen (the highest version of the task) and where this deployment runs are all inputs.
 */
export function screenTaskEvent(
  event: TaskStateChangeEvent,
  config: AutopilotConfig,
  now: Date,
  seenVersion: number | undefined,
  home?: Home,
): Screening {
  const task = event.detail;
  const clusterName = clusterNameOf(task.clusterArn);
  const base = { clusterName, taskArn: task.taskArn };
  const foreign = home && foreignOrigin(event, home);
  if (foreign) return { act: false, why: foreign, subject: base };
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
  if (!Number.isFinite(ageSeconds) || -ageSeconds > MAX_CLOCK_SKEW_SECONDS) {
    return {
      act: false,
      why: `dated ${Math.round(-ageSeconds)} s in the future (clock skew allowed: ${MAX_CLOCK_SKEW_SECONDS} s): its age cannot be judged`,
      subject,
    };
  }
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
