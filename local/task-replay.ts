import type { Pluggable } from '@smithy/types';
import { seededRandom } from './fault-injection.js';
import { taskStateChangeEvent } from './task-events.js';
import type { World, WorldTask } from './world-types.js';

/**
 * A replay of task events as ECS sends them and EventBridge delivers them: every task's lifecycle (PROVISIONING to
 * RUNNING, and for the stopping ones DEACTIVATING to STOPPED, `detail.version` growing), late stop events of older
 * tasks whose address a running task owns now, then a share duplicated and a share reordered. What the functions
 * must do: deregister each stopping task's targets once, and nothing else.
 */

const STARTING = ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING'] as const;
const STOPPING = ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'] as const;

export interface TaskReplayOptions {
  seed: number;
  /** Share of the world's tasks that stop; default 0.5. */
  stopShare?: number;
  /** Share of events delivered a second time, later; default 0.1. */
  duplicateShare?: number;
  /** Share of events moved after a later event of the same task; default 0.1. */
  reorderShare?: number;
}

export interface TaskReplay {
  events: unknown[];
  /** The tasks that stop: their targets must leave, once each. */
  stopping: WorldTask[];
  /** The tasks that keep running: their targets must stay, whatever a late event of an older task says. */
  running: WorldTask[];
  duplicated: number;
  reordered: number;
}

/** The replay's events for a provisioned world, seeded. */
export function taskReplay(world: World, options: TaskReplayOptions): TaskReplay {
  const random = seededRandom(options.seed);
  const tasks = Object.values(world.services).flatMap((s) => s.tasks);
  // The first task of each service keeps running: a service whose every task stops keeps its last target (never-empty).
  const stopping = Object.values(world.services).flatMap((s) =>
    s.tasks.slice(1).filter(() => random() < (options.stopShare ?? 0.5)),
  );
  const stops = new Set(stopping);
  const running = tasks.filter((t) => !stops.has(t));
  const start = Date.now() - 60_000;
  const at = (i: number) => new Date(start + i * 10).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const lifecycle: unknown[][] = tasks.map((task, n) =>
    [...STARTING, ...(stops.has(task) ? STOPPING : [])].map((lastStatus, i) =>
      taskStateChangeEvent(world, task, {
        lastStatus,
        desiredStatus: i < STARTING.length ? 'RUNNING' : 'STOPPED',
        version: i + 1,
        time: at(n + i),
        ...(i < STARTING.length && { stopCode: null, stoppedReason: null, exitCode: null }),
      }),
    ),
  );
  // An older task of the same service stopped at the address a running task owns now: its late events must not act.
  const late = running
    .filter(() => random() < 0.2)
    .map((task) => {
      const service = Object.values(world.services).find((s) => s.tasks.includes(task))?.serviceName as string;
      const old = { taskArn: `${task.taskArn.slice(0, -32)}${'0'.repeat(24)}${task.taskArn.slice(-8)}`, ip: task.ip };
      return [taskStateChangeEvent(world, old, { service, version: 8, time: at(0) })];
    });
  // Interleave the tasks' streams, each in its own order.
  const queues = [...lifecycle, ...late].map((events) => [...events]);
  const events: unknown[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    events.push(open[Math.floor(random() * open.length)]?.shift());
  }
  const taskOf = (event: unknown) => (event as { detail: { taskArn: string } }).detail.taskArn;
  // Exactly the shares asked for: an event moves after a later event of its own task (a task's last one cannot).
  let reordered = 0;
  const reorders = Math.round((options.reorderShare ?? 0.1) * events.length);
  for (let tries = 0; reordered < reorders && tries < events.length * 20; tries++) {
    const i = Math.floor(random() * events.length);
    const later = events.findIndex((e, j) => j > i && taskOf(e) === taskOf(events[i]));
    if (later < 0) continue;
    const [moved] = events.splice(i, 1);
    events.splice(later, 0, moved);
    reordered += 1;
  }
  const duplicated = Math.round((options.duplicateShare ?? 0.1) * events.length);
  for (let n = 0; n < duplicated; n++) {
    const from = Math.floor(random() * events.length);
    const to = from + 1 + Math.floor(random() * (events.length - from));
    events.splice(to, 0, structuredClone(events[from]));
  }
  return { events, stopping, running, duplicated, reordered };
}

/** A mutating SDK call the functions made (every logical call once, retries not counted twice). */
export interface RecordedMutation {
  command: string;
  input: Record<string, unknown>;
}

/** SDK middleware that records every mutating call of a client: `client.middlewareStack.use(recordMutations(sink))`. */
// biome-ignore lint/suspicious/noExplicitAny: every SDK client has its own input/output unions
export function recordMutations(sink: RecordedMutation[]): Pluggable<any, any> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const command = String(context.commandName ?? '').replace(/Command$/, '');
          if (!/^(Describe|List|Get|Receive|Query|Scan)/.test(command))
            sink.push({ command, input: args.input as Record<string, unknown> });
          return next(args);
        },
        { step: 'initialize', name: 'replayMutationRecorder', override: true },
      );
    },
  };
}

/** What the replay did to the target groups, judged from the recorded mutations. */
export interface ReplayVerdict {
  events: number;
  deregisterCalls: number;
  /** Targets removed a second time (or more): extra mutating calls. */
  extraRemovals: number;
  /** Targets of running tasks removed: actions taken on a stale version of what owns the address. */
  staleActions: number;
  /** Stopping tasks' targets never removed. */
  missedRemovals: number;
}

/** Judges the recorded mutations against the replay. */
export function judgeReplay(world: World, replay: TaskReplay, mutations: RecordedMutation[]): ReplayVerdict {
  const removals = mutations
    .filter((m) => m.command === 'DeregisterTargets')
    .flatMap((m) => {
      const { TargetGroupArn, Targets } = m.input as {
        TargetGroupArn: string;
        Targets: { Id: string; Port: number }[];
      };
      return Targets.map((t) => `${TargetGroupArn} ${t.Id}:${t.Port}`);
    });
  const targetsOf = (task: WorldTask) =>
    (Object.values(world.services).find((s) => s.tasks.includes(task))?.targetGroupArns ?? []).map(
      (tg) => `${tg} ${task.ip}:${task.port}`,
    );
  const removed = new Set(removals);
  const runningTargets = new Set(replay.running.flatMap(targetsOf));
  return {
    events: replay.events.length,
    deregisterCalls: mutations.filter((m) => m.command === 'DeregisterTargets').length,
    extraRemovals: removals.length - removed.size,
    staleActions: [...removed].filter((r) => runningTargets.has(r)).length,
    missedRemovals: replay.stopping.flatMap(targetsOf).filter((t) => !removed.has(t)).length,
  };
}

/**
 * The events of a batch dated now, as EventBridge delivers them within seconds: a replay slower than AWS (moto on a
 * shared machine) would otherwise age them past `events.maxAgeSeconds`, and a stale event is rightly not acted on.
 */
export function deliveredNow(events: readonly unknown[], now = new Date()): unknown[] {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return events.map((event) => ({ ...(event as object), time }));
}
