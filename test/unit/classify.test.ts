import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TaskDetail, TaskStateChangeEventSchema } from '#shared/events/task-state-change.js';
import { classifyStop, type Severity, type StopKind } from '#shared/tasks/classify.js';
import { eventNames, loadEvent } from '#test/support/fixtures.js';

/** What each kind implies, written down here independently of the classifier. */
const severityOfKind: Record<StopKind, Severity> = {
  'out-of-memory': 'critical',
  'health-check-failed': 'critical',
  'image-pull-failed': 'critical',
  'failed-to-start': 'critical',
  'essential-container-exited': 'critical',
  'spot-interruption': 'warning',
  unknown: 'warning',
  'user-initiated': 'info',
  'scale-in': 'info',
  'deployment-replacement': 'info',
  'infrastructure-maintenance': 'info',
};
const kinds = Object.keys(severityOfKind) as StopKind[];
const routineKinds: readonly StopKind[] = [
  'user-initiated',
  'scale-in',
  'deployment-replacement',
  'infrastructure-maintenance',
];

/** The task detail of a sample event, checked by the schema the handlers use. */
function detailOf(name: string): TaskDetail {
  return TaskStateChangeEventSchema.parse(loadEvent(name)).detail;
}

/** A stopped awsvpc task of service web, as plain data. */
function stoppedTask(overrides: Partial<TaskDetail> = {}): TaskDetail {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e2d3c4b5a49687766554433221100',
    clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:42',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    version: 6,
    group: 'service:web',
    startedBy: 'ecs-svc/1111111111111111111',
    launchType: 'FARGATE',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 1 }],
    attachments: [],
    ...overrides,
  };
}

/** Every stop sample in events/, with the classification ecs-autopilot must give it. */
const stopSamples: Array<[name: string, kind: StopKind, severity: Severity, routine: boolean]> = [
  ['task-stopped-out-of-memory', 'out-of-memory', 'critical', false],
  ['task-stopped-health-check-failed', 'health-check-failed', 'critical', false],
  ['task-stopped-container-health-check', 'health-check-failed', 'critical', false],
  ['task-stopped-image-pull', 'image-pull-failed', 'critical', false],
  ['task-stopped-secrets', 'failed-to-start', 'critical', false],
  ['task-stopped-spot-interruption', 'spot-interruption', 'warning', false],
  ['task-stopped-essential-exit', 'essential-container-exited', 'critical', false],
  ['task-stopped-user', 'user-initiated', 'info', true],
  ['task-stopped-scale-in', 'scale-in', 'info', true],
  ['task-stopped-deployment-replacement', 'deployment-replacement', 'info', true],
  ['task-stopping-first-event', 'essential-container-exited', 'critical', false],
  ['task-stopped-ec2-bridge', 'health-check-failed', 'critical', false],
  ['task-stopped-standalone', 'essential-container-exited', 'critical', false],
];

describe('Classifier: classifyStop', () => {
  it('has a case for every stop sample in events/', () => {
    // Prepare
    const samples = [...eventNames('repo', 'task-stopped-'), ...eventNames('repo', 'task-stopping-')];

    // Act
    const covered = stopSamples.map(([name]) => name);

    // Assess
    expect(covered.sort()).toEqual(samples.sort());
  });

  it.each(stopSamples)('classifies %s as %s (%s, routine %s)', (name, kind, severity, routine) => {
    // Prepare
    const task = detailOf(name);

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification).toMatchObject({ kind, severity, routine });
    expect(classification.summary).not.toBe('');
  });

  it('names the container and its memory error in an out-of-memory stop', () => {
    // Prepare
    const task = detailOf('task-stopped-out-of-memory');

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification.container).toMatchObject({ name: 'app', exitCode: 137 });
    expect(classification.summary).toContain('OutOfMemoryError');
  });

  it('names the deployment that replaced the task', () => {
    // Prepare
    const task = detailOf('task-stopped-deployment-replacement');

    // Act
    const classification = classifyStop(task);

    // Assess
    expect(classification.summary).toContain('ecs-svc/3333333333333333333');
  });

  describe('on the real AWS samples', () => {
    it('classifies the out-of-memory sample from its container reason, though its exit code is 1', () => {
      // Prepare
      const task = detailOf('aws:ecs-task-state-change-fargate-stopped-out-of-memory');

      // Act
      const classification = classifyStop(task);

      // Assess
      expect(classification).toMatchObject({ kind: 'out-of-memory', severity: 'critical', routine: false });
      expect(classification.container).toMatchObject({ name: 'forms-perf-test', exitCode: 1 });
    });

    it('classifies the secrets sample as failed-to-start', () => {
      // Prepare
      // This sample has no detail.taskArn (see event-schema.test.ts); the task ARN is in resources[0], as in
      // every task event. Give it back so the classification is tested on its own.
      const event = loadEvent('aws:ecs-task-state-change-fargate-stopped-task-failed-to-start-secrets') as {
        resources: string[];
        detail: Record<string, unknown>;
      };
      event.detail.taskArn ??= event.resources[0];
      const task = TaskStateChangeEventSchema.parse(event).detail;

      // Act
      const classification = classifyStop(task);

      // Assess
      expect(classification).toMatchObject({ kind: 'failed-to-start', severity: 'critical', routine: false });
      expect(classification.summary).toContain('unable to pull secrets or registry auth');
    });

    it('classifies the essential-container-exited sample as essential-container-exited', () => {
      // Prepare
      const task = detailOf('aws:ecs-task-state-change-fargate-stopped-essential-container-exited');

      // Act
      const classification = classifyStop(task);

      // Assess
      expect(classification).toMatchObject({
        kind: 'essential-container-exited',
        severity: 'critical',
        routine: false,
      });
    });

    it('blames the container that failed, not one ECS stopped with SIGTERM (exit code 143)', () => {
      // Prepare
      // Containers: forwarder 0, timeout 143, forms-perf-test 1, sidecar 143, log router 0. The 143s are the
      // SIGTERM ECS sends the other containers once the essential one has exited.
      const task = detailOf('aws:ecs-task-state-change-fargate-stopped-essential-container-exited');

      // Act
      const classification = classifyStop(task);

      // Assess
      expect(classification.container).toMatchObject({ name: 'forms-perf-test', exitCode: 1 });
    });

    it.each([
      'aws:ecs-task-state-change-ec2-container-instance-docs-2019',
      'aws:ecs-task-state-change-fargate-running-docs',
      'aws:ecs-task-state-change-fargate-running-multi-container',
    ])('does not throw on the running sample %s', (name) => {
      // Prepare
      const task = detailOf(name);

      // Act
      const classification = classifyStop(task);

      // Assess
      expect(classification).toMatchObject({ kind: 'unknown', severity: 'warning', routine: false });
    });
  });

  describe('on edge cases', () => {
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
    const run = fc.check(answersWhatItsKindImplies, { numRuns: 2000 });

    // Assess
    expect(run.failed, fc.defaultReportMessage(run)).toBe(false);
  });
});
