import { describe, expect, it } from 'vitest';
import type { TaskDetail } from '#shared/events/task-state-change.js';
import { classifyStop, type StopKind } from '#shared/tasks/classify.js';
import { stoppedTask } from '#test/support/stopped-task.js';

type Container = TaskDetail['containers'][number];
const container = (name: string, more: Partial<Container> = {}): Container => ({
  name,
  lastStatus: 'STOPPED',
  ...more,
});

// The summary is the line an alert shows on call: what happened, with the evidence, and a plain word where ECS gave
// none. Each case names the task detail and the exact line.
const cases: Array<{ name: string; task: Partial<TaskDetail>; kind: StopKind; summary: string }> = [
  {
    name: 'the container ECS names OutOfMemory, with its exit code and reason',
    task: {
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [
        container('app', { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }),
      ],
    },
    kind: 'out-of-memory',
    summary:
      'app (exit code 137, OutOfMemoryError: Container killed due to memory usage) was killed for exceeding its memory limit',
  },
  {
    name: 'an image pull told only by a container, with no reason on the task',
    task: {
      stopCode: 'TaskFailedToStart',
      stoppedReason: '',
      containers: [container('app', { reason: 'CannotPullContainerError: pull access denied' })],
    },
    kind: 'image-pull-failed',
    summary: 'the image could not be pulled: CannotPullContainerError',
  },
  {
    name: 'an image pull told by the task, in its own words',
    task: {
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: failed to resolve ref',
      containers: [container('app')],
    },
    kind: 'image-pull-failed',
    summary: 'the image could not be pulled: CannotPullContainerError: failed to resolve ref',
  },
  {
    name: 'a task that failed to start without a reason',
    task: { stopCode: 'TaskFailedToStart', stoppedReason: undefined, containers: [container('app')] },
    kind: 'failed-to-start',
    summary: 'the task failed to start: no reason given',
  },
  {
    name: 'a user stop without a reason',
    task: { stopCode: 'UserInitiated', stoppedReason: undefined, containers: [container('app', { exitCode: 0 })] },
    kind: 'user-initiated',
    summary: 'stopped by a user or API call: no reason given',
  },
  {
    name: 'a user stop with its reason',
    task: { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', containers: [container('app')] },
    kind: 'user-initiated',
    summary: 'stopped by a user or API call: Task stopped by user',
  },
  {
    name: 'a Spot interruption by its stop code, without a reason',
    task: { stopCode: 'SpotInterruption', stoppedReason: undefined, containers: [container('app')] },
    kind: 'spot-interruption',
    summary: 'capacity was reclaimed (SpotInterruption): interrupted',
  },
  {
    name: 'a termination notice by its stop code',
    task: { stopCode: 'TerminationNotice', stoppedReason: 'Instance is being terminated', containers: [] },
    kind: 'spot-interruption',
    summary: 'capacity was reclaimed (TerminationNotice): Instance is being terminated',
  },
  {
    name: 'a Spot interruption told only by the reason (an archived event without a stop code)',
    task: { stopCode: undefined, stoppedReason: 'Your Spot Task was interrupted.', containers: [container('app')] },
    kind: 'spot-interruption',
    summary: 'capacity was reclaimed (spot): Your Spot Task was interrupted.',
  },
  {
    name: 'SIGKILL of one container among others stopped with SIGTERM',
    task: {
      stopCode: 'EssentialContainerExited',
      containers: [container('sidecar', { exitCode: 143 }), container('app', { exitCode: 137 })],
    },
    kind: 'out-of-memory',
    summary: 'app (exit code 137) was killed (exit code 137, SIGKILL: usually the OOM killer)',
  },
  {
    name: 'a failing exit code before the signals ECS sends the others',
    task: {
      stopCode: 'EssentialContainerExited',
      containers: [
        container('sidecar', { exitCode: 143 }),
        container('proxy', { exitCode: 137 }),
        container('app', { exitCode: 2, reason: 'panic' }),
      ],
    },
    kind: 'essential-container-exited',
    summary: 'an essential container exited: app (exit code 2, panic)',
  },
  {
    name: 'an essential exit with no container at all',
    task: { stopCode: 'EssentialContainerExited', stoppedReason: undefined, containers: [] },
    kind: 'essential-container-exited',
    summary: 'an essential container exited: no container detail',
  },
  {
    name: 'an essential exit with no container, told by the reason',
    task: { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [] },
    kind: 'essential-container-exited',
    summary: 'an essential container exited: Essential container in task exited',
  },
  {
    name: 'a container with no exit code and no reason, named alone',
    task: { stopCode: 'EssentialContainerExited', containers: [container('app')] },
    kind: 'essential-container-exited',
    summary: 'an essential container exited: app',
  },
  {
    name: 'maintenance',
    task: {
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Task is being retired for maintenance',
      containers: [container('app', { exitCode: 0 })],
    },
    kind: 'infrastructure-maintenance',
    summary: 'AWS replaced the task for maintenance: Task is being retired for maintenance',
  },
  {
    name: 'a scale-in without a reason',
    task: { stopCode: 'ServiceSchedulerInitiated', stoppedReason: undefined, containers: [container('app')] },
    kind: 'scale-in',
    summary: 'the service scheduler stopped it: scale-in',
  },
  {
    name: 'a scheduler stop whose container then exited 1: the stop code outweighs the exit code',
    task: {
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: undefined,
      containers: [container('app', { exitCode: 1 })],
    },
    kind: 'scale-in',
    summary: 'the service scheduler stopped it: scale-in',
  },
  {
    name: 'an unknown stop with neither code nor reason',
    task: { stopCode: undefined, stoppedReason: undefined, containers: [container('app', { exitCode: 0 })] },
    kind: 'unknown',
    summary: 'stopped (no stop code): no reason given',
  },
  {
    name: 'an unknown stop code with its reason',
    task: { stopCode: 'SomeFutureStopCode', stoppedReason: 'something new', containers: [container('app')] },
    kind: 'unknown',
    summary: 'stopped (SomeFutureStopCode): something new',
  },
];

describe('Classifier: the summary an alert shows', () => {
  it.each(cases)('says $kind for $name', ({ task, kind, summary }) => {
    // Prepare
    const detail = stoppedTask(task);
    for (const key of ['stopCode', 'stoppedReason'] as const)
      if (key in task && task[key] === undefined) delete detail[key];

    // Act
    const classification = classifyStop(detail);

    // Assess
    expect({ kind: classification.kind, summary: classification.summary }).toEqual({ kind, summary });
  });
});
