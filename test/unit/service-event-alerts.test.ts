import { describe, expect, it } from 'vitest';
import { AlertSchema } from '#shared/notify/alert-schema.js';
import { ChatbotNotificationSchema, chatThreadIdOf, toChatbotNotification } from '#shared/notify/chatbot.js';
import { alertAttributes } from '#shared/notify/publish.js';
import { classifyServiceEvent } from '#shared/service-events/classify.js';
import { incidentIdOf } from '#shared/service-events/report.js';
import * as v from '#shared/validation/input-schema.js';
import { alertOf, awsSamples, ourSamples, sample, subjectOf } from '#test/support/service-events.js';

describe('Reporting: serviceEventAlert', () => {
  it('alerts on a placement failure with the reason, the capacity provider and a link to the service', () => {
    // Act
    const alert = alertOf(sample('service-task-placement-failure'));

    // Assess
    expect(alert).toMatchObject({
      incidentId: 'ecs-service/prod/web/SERVICE_TASK_PLACEMENT_FAILURE/2025-06-03',
      severity: 'critical',
      kind: 'service-event/service-task-placement-failure',
      title: 'prod/web: tasks cannot be placed (RESOURCE:MEMORY)',
      cluster: 'prod',
      service: 'web',
      region: 'us-east-1',
      account: '111122223333',
      relatedResources: ['arn:aws:ecs:us-east-1:111122223333:service/prod/web'],
      keywords: ['SERVICE_TASK_PLACEMENT_FAILURE', 'RESOURCE:MEMORY'],
      dryRun: false,
      occurredAt: '2025-06-03T15:02:11.482Z',
    });
    expect(alert.description).toContain('*Capacity providers:* `prod-asg`');
    expect(alert.links).toEqual([
      {
        label: 'Service',
        url: 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/health?region=us-east-1',
      },
    ]);
    expect(alertAttributes(alert)).toMatchObject({
      severity: { StringValue: 'critical' },
      kind: { StringValue: 'service-event/service-task-placement-failure' },
    });
  });

  it('groups a deployment failure by its deployment, and its rollback apart from it', () => {
    // Act
    const failed = alertOf(sample('deployment-failed'));
    const rollback = alertOf(sample('deployment-rollback-circuit-breaker'));

    // Assess
    expect(failed.incidentId).toBe('ecs-deployment/prod/web/ecs-svc/2222222222222222222');
    expect(failed.title).toBe('prod/web: deployment ecs-svc/2222222222222222222 failed');
    expect(failed.description).toContain('stopped by the deployment circuit breaker');
    expect(rollback.incidentId).toBe('ecs-deployment/prod/web/ecs-svc/3333333333333333333/rollback');
    expect(rollback.kind).toBe('service-event/service-deployment-rollback');
    expect(rollback.description).toContain('rolling back to deploymentId ecs-svc/1111111111111111111');
    expect(rollback.occurredAt).toBe('2025-06-03T17:18:23Z');
  });

  it('gives a repeat of a condition on the same day the same incident id, and a new day a new one', () => {
    // Prepare
    const first = sample('service-task-start-impaired');
    const later = sample('service-task-start-impaired');
    later.id = 'another-event';
    later.detail.createdAt = '2025-06-03T23:59:59.999Z';
    const nextDay = sample('service-task-start-impaired');
    nextDay.detail.createdAt = '2025-06-04T00:00:00.000Z';
    const kind = 'service-task-start-impaired';

    // Act
    const [a, b, c] = [first, later, nextDay].map((event) => incidentIdOf(event, subjectOf(event), kind));

    // Assess
    expect(a).toBe('ecs-service/prod/web/SERVICE_TASK_START_IMPAIRED/2025-06-03');
    expect(b).toBe(a);
    expect(c).toBe('ecs-service/prod/web/SERVICE_TASK_START_IMPAIRED/2025-06-04');
  });

  it('keeps incident ids within 128 characters for the longest names ECS allows', () => {
    // Prepare
    const event = sample('service-task-placement-failure');
    const long = 'c'.repeat(255);
    event.resources = [`arn:aws:ecs:us-east-1:111122223333:service/${long}/${'s'.repeat(255)}`];
    event.detail.clusterArn = `arn:aws:ecs:us-east-1:111122223333:cluster/${long}`;
    const other = structuredClone(event);
    other.resources = [`arn:aws:ecs:us-east-1:111122223333:service/${long}/${'s'.repeat(254)}t`];

    // Act
    const alert = alertOf(event);
    const otherAlert = alertOf(other);

    // Assess
    expect(alert.incidentId.length).toBeLessThanOrEqual(128);
    expect(otherAlert.incidentId).not.toBe(alert.incidentId);
    expect(v.safeParse(AlertSchema, alert).success).toBe(true);
  });

  it.each([...ourSamples, ...awsSamples].filter((name) => classifyServiceEvent(sample(name)).alert))(
    'renders the alert of %s in the custom notification schema',
    (name) => {
      // Act
      const alert = alertOf(sample(name));
      const notification = toChatbotNotification(alert);

      // Assess
      expect(v.safeParse(AlertSchema, alert).issues ?? []).toEqual([]);
      expect(v.safeParse(ChatbotNotificationSchema, notification).success).toBe(true);
      expect(notification.metadata?.threadId).toBe(chatThreadIdOf(alert));
      expect(notification.metadata?.eventType).toMatch(/^service-event\//);
      expect(notification.content.title).toMatch(/^[🔴🟠] \S+\/\S+: /u);
    },
  );
});
