import { describe, expect, it } from 'vitest';
import { type TaskDetail, TaskStateChangeEventSchema } from '#shared/events/task-state-change.js';
import { classifyStop, type Severity, type StopKind } from '#shared/tasks/classify.js';
import * as v from '#shared/validation/input-schema.js';
import { eventNames, loadEvent } from '#test/support/fixtures.js';

/** The task detail of a sample event, checked by the schema the handlers use. */
function detailOf(name: string): TaskDetail {
  return v.parse(TaskStateChangeEventSchema, loadEvent(name)).detail;
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
      const task = v.parse(TaskStateChangeEventSchema, event).detail;

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
});
