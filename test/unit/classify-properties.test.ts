import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyStop } from '#shared/tasks/classify.js';
import { fuzzRuns } from '#test/support/fuzz-runs.js';
import { kinds, routineKinds, severityOfKind, stoppedTask } from '#test/support/stopped-task.js';

describe('Classifier: classifyStop on any input', () => {
  it('never throws and always answers a known kind with the severity and routine flag that kind implies', () => {
    // Prepare
    const fragments = fc.constantFrom(
      'OutOfMemoryError: Container killed due to memory usage',
      'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      'ResourceInitializationError: unable to pull secrets or registry auth',
      'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/b)',
      'Task failed container health checks',
      'Your Spot Task was interrupted.',
      'Essential container in task exited',
      'Task stopped by user',
      'Scaling activity initiated by (deployment ecs-svc/1111111111111111111)',
      'Scaling activity initiated by (deployment ',
      'maintenance',
      '(deployment )',
    );
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.array(fc.oneof(fragments, fc.string()), { maxLength: 4 }).map((parts) => parts.join(' ')),
    );
    const stopCode = fc.oneof(
      fc.constantFrom(
        'TaskFailedToStart',
        'EssentialContainerExited',
        'UserInitiated',
        'ServiceSchedulerInitiated',
        'SpotInterruption',
        'TerminationNotice',
        'InfrastructureHealth',
      ),
      fc.string(),
    );
    const container = fc.record(
      {
        name: fc.string(),
        lastStatus: fc.constantFrom('PENDING', 'RUNNING', 'STOPPED'),
        exitCode: fc.oneof(fc.constantFrom(0, 1, 137, 139, 143, 255), fc.integer()),
        reason: text,
      },
      { requiredKeys: ['name'] },
    );
    const task = fc.record({
      stopCode: fc.option(stopCode, { nil: undefined }),
      stoppedReason: fc.option(text, { nil: undefined }),
      startedBy: fc.option(fc.oneof(fc.constant('ecs-svc/1111111111111111111'), fc.string()), { nil: undefined }),
      containers: fc.array(container, { maxLength: 5 }),
    });

    const answersWhatItsKindImplies = fc.property(task, (overrides) => {
      const { kind, severity, routine, summary } = classifyStop(stoppedTask(overrides));
      return (
        kinds.includes(kind) &&
        severity === severityOfKind[kind] &&
        routine === routineKinds.includes(kind) &&
        typeof summary === 'string'
      );
    });

    // Act
    const run = fc.check(answersWhatItsKindImplies, { numRuns: fuzzRuns(2000) });

    // Assess
    expect(run.failed, fc.defaultReportMessage(run)).toBe(false);
  });
});
