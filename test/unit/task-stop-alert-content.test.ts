import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '#shared/executor/audit.js';
import type { StopKind } from '#shared/tasks/classify.js';
import { type TaskStopReport, taskStopAlert, taskStopAlertOf } from '#shared/tasks/report.js';
import { TG_WEB, taskDetail, taskEvent } from '#test/support/builders.js';

const detail = taskDetail();
const subject = { clusterName: 'prod', serviceName: 'web', taskArn: detail.taskArn };

function report(overrides: Partial<TaskStopReport> = {}, kind: StopKind = 'out-of-memory'): TaskStopReport {
  return {
    event: taskEvent(detail),
    subject,
    classification: { kind, severity: 'critical', routine: false, summary: 'Container app ran out of memory...' },
    plan: { notes: [] },
    audit: [],
    policy: { deregisterTargets: true, alertRoutineStops: false },
    dryRun: false,
    ...overrides,
  };
}

const deregistered = (outcome: string) =>
  ({
    action: { kind: 'deregister-targets', targetGroupArn: TG_WEB, targets: [{ id: '10.0.1.17', port: 8080 }] },
    outcome,
    description: 'deregister 10.0.1.17:8080 from target group web-tg',
    error: outcome === 'failed' ? 'ThrottlingException' : undefined,
  }) as unknown as AuditRecord;

describe('Function: taskStopAlertOf, what it says', () => {
  it.each<StopKind>([
    'out-of-memory',
    'health-check-failed',
    'image-pull-failed',
    'failed-to-start',
    'spot-interruption',
    'essential-container-exited',
    'unknown',
  ])('gives a %s stop next steps of its own', (kind) => {
    // Act
    const alert = taskStopAlertOf(report({}, kind));

    // Assess
    expect(alert.nextSteps.length).toBeGreaterThan(0);
    expect(alert.nextSteps.every((step) => step.length > 20)).toBe(true);
  });

  it('ends the summary with one full stop, names the task, and keys and links it by the stop and its groups', () => {
    // Act
    const alert = taskStopAlertOf(report({ audit: [deregistered('applied')] }));

    // Assess
    expect(alert.description.split('\n')[0]).toBe('*What happened:* Container app ran out of memory.');
    expect(alert.title).toBe('prod/web: task a1b2c3d4 stopped (out of memory)');
    expect(alert.keywords).toEqual(['out-of-memory', 'EssentialContainerExited']);
    expect(alert.relatedResources).toEqual([detail.taskArn, TG_WEB]);
    expect(alert.occurredAt).toBe('2026-11-24T11:59:50.000Z');
  });

  it('says so when nothing was done, and dates a stop by its stop when it has no stopping time', () => {
    // Prepare
    const bare = taskDetail({ stoppingAt: undefined, stoppedAt: '2026-11-24T12:00:05.000Z', launchType: undefined });

    // Act
    const alert = taskStopAlertOf(report({ event: taskEvent(bare) }));
    const undated = taskStopAlertOf(report({ event: taskEvent(taskDetail({ stoppingAt: undefined })) }));

    // Assess
    expect(alert.description).toContain('(unknown launch type, task definition `web:42`)');
    expect(alert.description.endsWith('*What ecs-autopilot did:*\n• nothing')).toBe(true);
    expect(alert.occurredAt).toBe('2026-11-24T12:00:05.000Z');
    expect(undated.occurredAt).toBe('2026-11-24T12:00:00Z');
  });

  it('puts the hand check first when a deregistration failed', () => {
    // Act
    const alert = taskStopAlertOf(report({ audit: [deregistered('failed')] }));

    // Assess
    expect(alert.severity).toBe('critical');
    expect(alert.nextSteps[0]).toMatch(/^The automation could not finish/);
  });
});

describe('Function: taskStopAlert, which stops alert', () => {
  it('alerts a stop first seen late only when this event did the work', () => {
    // Prepare
    const late = taskEvent(taskDetail({ lastStatus: 'DEPROVISIONING' }));

    // Act
    const quiet = taskStopAlert(report({ event: late }));
    const acted = taskStopAlert(report({ event: late, audit: [deregistered('dry-run')] }));
    const first = taskStopAlert(report({ event: taskEvent(taskDetail({ lastStatus: 'RUNNING' })) }));
    const neverStarted = taskStopAlert(
      report({ event: taskEvent(taskDetail({ lastStatus: 'STOPPED', startedAt: undefined })) }),
    );

    // Assess
    expect(quiet).toBeUndefined();
    expect(acted).toBeDefined();
    expect(first).toBeDefined();
    expect(neverStarted).toBeDefined();
  });
});
