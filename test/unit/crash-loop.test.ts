import { describe, expect, it } from 'vitest';
import { crashLoopDefaults } from '#shared/config/notifications.js';
import type { StopClassification } from '#shared/tasks/classify.js';
import { crashLoopThreshold, halfWindowStart, isFailedStop, judgeCrashLoop } from '#shared/tasks/crash-loop/plan.js';
import { crashLoopAlert } from '#shared/tasks/crash-loop/report.js';

const options = crashLoopDefaults;
const oom: StopClassification = {
  kind: 'out-of-memory',
  severity: 'critical',
  routine: false,
  summary: 'Container app was killed for using more memory than its limit',
};

describe('Crash-loop detection', () => {
  it.each([
    [0, 3],
    [1, 3],
    [6, 3],
    [7, 4],
    [10, 5],
    [399, 200],
    [1000, 200],
  ])('sets the threshold for a desired count of %i to %i, as ECS circuit breaker does', (desired, threshold) => {
    // Assess
    expect(crashLoopThreshold(desired, options)).toBe(threshold);
  });

  it('counts failures, not stops made on purpose or spot interruptions', () => {
    // Assess
    expect(isFailedStop(oom)).toBe(true);
    expect(isFailedStop({ ...oom, kind: 'scale-in', routine: true })).toBe(false);
    expect(isFailedStop({ ...oom, kind: 'spot-interruption', severity: 'warning' })).toBe(false);
  });

  it('raises on the addition that reaches the threshold, and on no other', () => {
    // Prepare: desired 10 → threshold 5; one stop at a time.
    const verdicts = [1, 2, 3, 4, 5, 6, 7].map((current) =>
      judgeCrashLoop({ inWindow: current, added: 1 }, 10, options),
    );

    // Assess
    expect(verdicts.map((v) => v.raise)).toEqual([false, false, false, false, true, false, false]);
    expect(verdicts[4]).toEqual({ failedStops: 5, threshold: 5, raise: true });
  });

  it('raises when a batch jumps over the threshold, and never when switched off', () => {
    // Assess
    expect(judgeCrashLoop({ inWindow: 3, added: 1 }, 2, options).raise).toBe(true);
    expect(judgeCrashLoop({ inWindow: 9, added: 9 }, 2, options).raise).toBe(true);
    expect(judgeCrashLoop({ inWindow: 9, added: 9 }, 2, { ...options, enabled: false }).raise).toBe(false);
  });

  it('holds the threshold between the configured bounds for any share', () => {
    // Prepare
    const bounded = { ...options, desiredCountShare: 1, minStops: 2, maxStops: 8 };

    // Assess
    expect([0, 2, 3, 8, 9].map((desired) => crashLoopThreshold(desired, bounded))).toEqual([2, 2, 3, 8, 8]);
  });

  it('counts a routine stop that is not a spot interruption as no failure', () => {
    // Assess
    expect(isFailedStop({ ...oom, kind: 'deployment-replacement', severity: 'info', routine: true })).toBe(false);
  });

  it('raises nothing when the window was already at the threshold before these stops', () => {
    // Prepare: desired 10 → threshold 5; 2 stops added to a window that already held 5.
    const verdict = judgeCrashLoop({ inWindow: 7, added: 2 }, 10, options);

    // Assess
    expect(verdict).toEqual({ failedStops: 7, threshold: 5, raise: false });
  });

  it('starts each half window on a multiple of half the window, the instant itself included', () => {
    // Prepare: a 600 s window has halves of 300,000 ms.
    const start = Date.parse('2026-11-24T12:00:00.000Z');

    // Assess
    expect(halfWindowStart(new Date(start), options)).toBe(start);
    expect(halfWindowStart(new Date(start + 299_999), options)).toBe(start);
    expect(halfWindowStart(new Date(start + 300_000), options)).toBe(start + 300_000);
    expect(halfWindowStart(new Date(start + 1), { ...options, windowSeconds: 120 })).toBe(start);
    expect(halfWindowStart(new Date(start + 60_000), { ...options, windowSeconds: 120 })).toBe(start + 60_000);
  });

  it('says how many failed, the threshold, the stop reasons, the task definition and the deployment', () => {
    // Prepare
    const stop = (n: number, reason: string) => ({
      taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/task${n}`,
      classification: oom,
      stoppedReason: reason,
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:43',
      startedBy: 'ecs-svc/2222222222222222222',
    });

    // Act
    const alert = crashLoopAlert({
      cluster: 'prod',
      service: 'web',
      region: 'us-east-1',
      account: '111122223333',
      desiredCount: 6,
      windowSeconds: 600,
      verdict: { failedStops: 3, threshold: 3, raise: true },
      stops: [stop(1, 'OutOfMemoryError'), stop(2, 'OutOfMemoryError'), stop(3, 'Essential container exited')],
      dryRun: false,
      occurredAt: '2026-11-24T12:00:00.000Z',
    });

    // Assess
    expect(alert).toMatchObject({
      severity: 'critical',
      kind: 'task-stopped/crash-loop',
      title: 'prod/web: crash loop, 3 failed tasks in 10 min',
      incidentId: 'crash-loop/prod/web/web:43',
    });
    expect(alert.description).toContain('the threshold is 3 (half the desired count of 6, at least 3, at most 200');
    expect(alert.description).toContain('• OutOfMemoryError (×2)\n• Essential container exited');
    expect(alert.description).toContain('*Task definition:* `web:43` (×3).');
    expect(alert.description).toContain('*Deployment:* `ecs-svc/2222222222222222222` (×3).');
    expect(alert.nextSteps[0]).toMatch(/^A deployment is starting these tasks: roll it back/);
  });
});
