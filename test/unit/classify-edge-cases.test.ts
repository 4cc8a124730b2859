import { describe, expect, it } from 'vitest';
import { classifyStop } from '#shared/tasks/classify.js';
import { stoppedTask } from '#test/support/stopped-task.js';

describe('Classifier: classifyStop on edge cases', () => {
  it('reads exit code 137 without a reason as out-of-memory', () => {
    // Prepare
    const task = stoppedTask({ containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 137 }] });

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification).toMatchObject({ kind: 'out-of-memory', severity: 'critical', routine: false });
    expect(classification.container).toMatchObject({ name: 'app', exitCode: 137 });
  });

  it('treats an essential container that exits 0 as an essential-container exit', () => {
    // Prepare
    const task = stoppedTask({ containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }] });

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification).toMatchObject({
      kind: 'essential-container-exited',
      severity: 'critical',
      routine: false,
    });
    expect(classification.container).toMatchObject({ name: 'app', exitCode: 0 });
  });

  it('classifies an unknown stop code as unknown, with a warning', () => {
    // Prepare
    const task = stoppedTask({
      stopCode: 'SomeFutureStopCode',
      stoppedReason: 'Task stopped for a reason this classifier has never seen',
      containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }],
    });

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification).toMatchObject({ kind: 'unknown', severity: 'warning', routine: false });
    expect(classification.summary).toContain('SomeFutureStopCode');
  });

  it('classifies a task with neither stop code, reason nor containers as unknown', () => {
    // Prepare
    const task = stoppedTask({ stopCode: undefined, stoppedReason: undefined, containers: [] });

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification).toMatchObject({ kind: 'unknown', severity: 'warning', routine: false });
  });

  it('trusts the UserInitiated stop code over a StopTask reason that mentions Spot', () => {
    // Prepare
    // StopTask takes a free-text reason, which becomes stoppedReason; the stop code is set by ECS.
    const task = stoppedTask({
      stopCode: 'UserInitiated',
      stoppedReason: 'Moving web to FARGATE_SPOT capacity',
      containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }],
    });

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification).toMatchObject({ kind: 'user-initiated', severity: 'info', routine: true });
  });

  it.each([['ServiceSchedulerInitiated'], [undefined]])(
    'classifies the maintenance reason AWS documents as infrastructure-maintenance (stop code %s)',
    (stopCode) => {
      // Prepare
      const task = stoppedTask({
        stopCode,
        stoppedReason: 'ECS is performing maintenance on the underlying infrastructure hosting the task',
        containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }],
      });

      // Act
      const classification = classifyStop(task);

      // Assess
      expect(classification).toMatchObject({ kind: 'infrastructure-maintenance', severity: 'info', routine: true });
    },
  );

  it('classifies a scheduler stop without a deployment id as scale-in', () => {
    // Prepare
    const task = stoppedTask({
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1111111111111111111)',
      startedBy: undefined,
      containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }],
    });

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification).toMatchObject({ kind: 'scale-in', severity: 'info', routine: true });
  });
});
