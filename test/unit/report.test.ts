import { describe, expect, it } from 'vitest';
import { type AuditRecord, auditErrorOf } from '#shared/executor/audit.js';
import { ChatbotNotificationSchema, chatThreadIdOf, toChatbotNotification } from '#shared/notify/chatbot.js';
import { alertAttributes } from '#shared/notify/publish.js';
import { classifyStop } from '#shared/tasks/classify.js';
import { type TaskStopReport, taskStopAlert } from '#shared/tasks/report.js';
import * as v from '#shared/validation/input-schema.js';
import { config, TG_WEB, taskDetail, taskEvent } from '#test/support/builders.js';

const subject = { clusterName: 'prod', serviceName: 'web', taskArn: taskDetail().taskArn };

function record(outcome: AuditRecord['outcome'], extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    action: {
      kind: 'deregister-targets',
      subject,
      targetGroupArn: TG_WEB,
      targets: [{ id: '10.0.1.17', port: 8080 }],
      why: 'task stopped',
      basis: { inService: 3, healthy: 3, removingHealthy: 1 },
    },
    description: 'deregister 10.0.1.17:8080 from target group web-tg',
    outcome,
    why: 'task stopped',
    at: '2026-11-24T12:00:01.000Z',
    durationMs: 40,
    ...extra,
  };
}

function report(overrides: Partial<TaskStopReport> = {}): TaskStopReport {
  const event = overrides.event ?? taskEvent();
  return {
    event,
    subject,
    classification: classifyStop(event.detail),
    plan: { notes: [] },
    audit: [record('applied', { verification: { mode: 'acknowledged', ok: true, evidence: 'accepted 1 target(s)' } })],
    policy: config().taskFailures,
    dryRun: false,
    ...overrides,
  };
}

describe('Reporting: taskStopAlert', () => {
  it('alerts on a crash with what happened, what was done and what to do next', () => {
    // Act
    const alert = taskStopAlert(report());

    // Assess
    expect(alert).toMatchObject({
      severity: 'critical',
      kind: 'task-stopped/essential-container-exited',
      cluster: 'prod',
      service: 'web',
      incidentId: 'ecs-task-stop/prod/a1b2c3d4e5f60718293a4b5c6d7e8f90',
    });
    expect(alert?.description).toContain(
      'deregister 10.0.1.17:8080 from target group web-tg (verified: accepted 1 target(s))',
    );
    expect(alert?.nextSteps.length).toBeGreaterThan(0);
    expect(alert?.links.map((l) => l.label)).toEqual(['Task', 'Service', 'Target group web-tg']);
  });

  it('stays quiet about a routine stop unless the service asks for routine alerts', () => {
    // Prepare
    const event = taskEvent(
      taskDetail({ lastStatus: 'RUNNING', stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' }),
    );
    const quiet = report({ event, audit: [] });

    // Act & Assess
    expect(taskStopAlert(quiet)).toBeUndefined();
    expect(taskStopAlert({ ...quiet, policy: { ...quiet.policy, alertRoutineStops: true } })?.severity).toBe('info');
  });

  it('stays quiet on a later event of a stop when an earlier one already did the work', () => {
    // Prepare
    const late = report({ audit: [], plan: { notes: ['not registered or already draining'] } });

    // Act & Assess
    expect(taskStopAlert(late)).toBeUndefined();
  });

  it('alerts on the first event of a stop even when ECS had already drained the targets', () => {
    // Prepare
    const event = taskEvent(taskDetail({ lastStatus: 'RUNNING' }));

    // Act
    const alert = taskStopAlert(report({ event, audit: [], plan: { notes: ['already draining'] } }));

    // Assess
    expect(alert?.description).toContain('nothing: already draining');
  });

  it('alerts critical when a guardrail refused, even for a routine stop', () => {
    // Prepare
    const event = taskEvent(
      taskDetail({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' }),
    );
    const blocked = record('blocked', { guard: { rule: 'never-empty', why: 'it would leave 0 registered targets' } });

    // Act
    const alert = taskStopAlert(report({ event, audit: [blocked] }));

    // Assess
    expect(alert?.severity).toBe('critical');
    expect(alert?.description).toContain('guardrail never-empty');
  });

  it('names the AWS error and its request id when a write failed, so the call can be traced', () => {
    // Prepare
    const refused = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $metadata: { requestId: '8d1a6b7e-0c4f-4b8e-9a55-1f2e3d4c5b6a' },
    });
    const failed = record('failed', { error: auditErrorOf(refused) });

    // Act
    const alert = taskStopAlert(report({ audit: [failed] }));

    // Assess
    expect(alert?.severity).toBe('critical');
    expect(alert?.description).toContain(
      '• FAILED to deregister 10.0.1.17:8080 from target group web-tg: Throttling: Rate exceeded (request id 8d1a6b7e-0c4f-4b8e-9a55-1f2e3d4c5b6a)',
    );
  });

  it('marks dry-run alerts and says nothing changed', () => {
    // Act
    const alert = taskStopAlert(report({ dryRun: true, audit: [record('dry-run')] }));

    // Assess
    expect(alert?.dryRun).toBe(true);
    expect(alert?.description).toContain('would deregister 10.0.1.17:8080');
  });
});

describe('Notifications: custom notification format', () => {
  it('renders an alert in the Amazon Q Developer custom notification schema', () => {
    // Prepare
    const alert = taskStopAlert(report());
    if (!alert) throw new Error('expected an alert');

    // Act
    const message = toChatbotNotification(alert);

    // Assess
    expect(v.safeParse(ChatbotNotificationSchema, JSON.parse(JSON.stringify(message))).success).toBe(true);
    expect(message).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
      metadata: { threadId: chatThreadIdOf(alert), eventType: 'task-stopped/essential-container-exited' },
    });
    expect(message.content.title).toMatch(/^🔴 prod\/web: task a1b2c3d4 stopped/);
    expect(message.content.description).toContain(
      '[Task](https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/',
    );
  });

  it('rejects a message the chat channel would drop silently', () => {
    // Act
    const result = v.safeParse(ChatbotNotificationSchema, {
      version: '1.0',
      source: 'custom',
      content: { title: 'x' },
    });

    // Assess
    expect(result.success).toBe(false);
  });

  it('sets the message attributes subscribers filter on', () => {
    // Prepare
    const alert = taskStopAlert(report());
    if (!alert) throw new Error('expected an alert');

    // Act & Assess
    expect(alertAttributes(alert)).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      kind: { DataType: 'String', StringValue: 'task-stopped/essential-container-exited' },
      cluster: { DataType: 'String', StringValue: 'prod' },
      service: { DataType: 'String', StringValue: 'web' },
      account: { DataType: 'String', StringValue: alert.account },
      region: { DataType: 'String', StringValue: alert.region },
    });
  });
});
