import { describe, expect, it } from 'vitest';
import { serviceEventAlert } from '#shared/service-events/report.js';
import { alerting, sample, subjectOf } from '#test/support/service-events.js';

const did = '*What ecs-autopilot did:* reported it; nothing to change on its side (ECS keeps managing the service).';

describe('Reporting: a service event alert in its words', () => {
  it("says what happened, the event, ECS's reason and the capacity providers, and keys on the placement reason", () => {
    // Prepare
    const event = sample('service-task-placement-failure');
    Object.assign(event.detail, {
      capacityProviderArns: [
        'arn:aws:ecs:us-east-1:111122223333:capacity-provider/prod-asg',
        'arn:aws:ecs:us-east-1:111122223333:capacity-provider/FARGATE',
      ],
    });

    // Act
    const alert = serviceEventAlert({
      event,
      subject: subjectOf(event),
      classification: {
        ...alerting({
          alert: true,
          kind: 'service-task-placement-failure',
          severity: 'critical',
          headline: 'h',
          summary: 'tasks cannot be placed...',
          nextSteps: ['n'],
        }),
      },
    });

    // Assess
    expect(alert.description).toBe(
      [
        '*What happened:* tasks cannot be placed.',
        '*Event:* `SERVICE_TASK_PLACEMENT_FAILURE` (ERROR) for service `web` in cluster `prod`.',
        '*Reason given by ECS:* RESOURCE:MEMORY',
        '*Capacity providers:* `prod-asg`, `FARGATE`',
        did,
      ].join('\n'),
    );
    expect(alert.keywords).toEqual(['SERVICE_TASK_PLACEMENT_FAILURE', 'RESOURCE:MEMORY']);
  });

  it('names the deployment of a deployment event, leaves out what it does not have, and keys on no free-text reason', () => {
    // Prepare
    const event = sample('deployment-failed');
    const rollback = sample('deployment-failed');
    Object.assign(rollback.detail, { reason: undefined });
    const subject = subjectOf(event);
    const failed = alerting({
      alert: true,
      kind: 'service-deployment-failed',
      severity: 'critical',
      headline: 'h',
      summary: 'failed',
      nextSteps: [],
    });

    // Act
    const alert = serviceEventAlert({ event, subject, classification: failed });
    const bare = serviceEventAlert({
      event: rollback,
      subject,
      classification: { ...failed, kind: 'service-deployment-rollback' },
    });

    // Assess
    expect(alert.description).toBe(
      [
        '*What happened:* failed.',
        '*Event:* `SERVICE_DEPLOYMENT_FAILED` (ERROR) for service `web` in cluster `prod`, deployment `ecs-svc/2222222222222222222`.',
        '*Reason given by ECS:* ECS deployment circuit breaker: tasks failed to start.',
        did,
      ].join('\n'),
    );
    expect(alert.keywords).toEqual(['SERVICE_DEPLOYMENT_FAILED']);
    expect(alert.incidentId).toBe('ecs-deployment/prod/web/ecs-svc/2222222222222222222');
    expect(bare.description.split('\n')).toHaveLength(3);
    expect(bare.incidentId).toBe('ecs-deployment/prod/web/ecs-svc/2222222222222222222/rollback');
  });

  it('threads any other deployment event under its own kind, and a service action with no providers names none', () => {
    // Prepare
    const deployment = sample('deployment-failed');
    const action = sample('service-task-start-impaired');
    const other = alerting({
      alert: true,
      kind: 'service-deployment-stalled',
      severity: 'warning',
      headline: 'h',
      summary: 's',
      nextSteps: [],
    });

    // Act
    const stalled = serviceEventAlert({ event: deployment, subject: subjectOf(deployment), classification: other });
    const impaired = serviceEventAlert({ event: action, subject: subjectOf(action), classification: other });

    // Assess
    expect(stalled.incidentId).toBe('ecs-deployment/prod/web/ecs-svc/2222222222222222222/service-deployment-stalled');
    expect(impaired.description).not.toContain('Capacity providers');
    expect(impaired.description).not.toContain('deployment `');
    expect(impaired.keywords).toEqual(['SERVICE_TASK_START_IMPAIRED']);
  });

  it('keeps the full stops inside what happened, and keys only on a reason that is a placement code alone', () => {
    // Prepare
    const placement = (reason: string) => {
      const event = sample('service-task-placement-failure');
      event.detail.reason = reason;
      return event;
    };
    const classification = alerting({
      alert: true,
      kind: 'service-task-placement-failure',
      severity: 'critical',
      headline: 'h',
      summary: 'image v1.2 cannot start..',
      nextSteps: [],
    });
    const alertFor = (reason: string) => {
      const event = placement(reason);
      return serviceEventAlert({ event, subject: subjectOf(event), classification });
    };

    // Act
    const [prefixed, suffixed] = [alertFor('see RESOURCE:CPU'), alertFor('RESOURCE:CPU now')];

    // Assess
    expect(prefixed.description.split('\n')[0]).toBe('*What happened:* image v1.2 cannot start.');
    expect([prefixed.keywords, suffixed.keywords]).toEqual([
      ['SERVICE_TASK_PLACEMENT_FAILURE'],
      ['SERVICE_TASK_PLACEMENT_FAILURE'],
    ]);
  });
});
