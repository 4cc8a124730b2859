import { describe, expect, it } from 'vitest';
import { ChatbotNotificationSchema, chatThreadIdOf, toChatbotNotification } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { taskStopAlert } from '#test/support/alerts.js';

describe('Function: toChatbotNotification', () => {
  it('writes an alert in the custom notification format, threaded by its incident where it happened', () => {
    // Prepare
    const alert = taskStopAlert({
      severity: 'warning',
      links: [],
      dryRun: true,
      relatedResources: ['arn:aws:ecs:us-east-1:111122223333:task/prod/abc'],
      facts: [{ label: 'exitCode', value: '137' }],
    });

    // Act
    const notification = toChatbotNotification(alert);

    // Assess
    const title = `🟠 [dry run] ${alert.title}`;
    expect(notification).toEqual({
      version: '1.0',
      source: 'custom',
      id: alert.incidentId,
      content: {
        textType: 'client-markdown',
        title,
        description: alert.description,
        nextSteps: alert.nextSteps,
        keywords: ['warning', 'prod', 'web', 'out-of-memory', 'OutOfMemoryError'],
      },
      metadata: {
        threadId: `${alert.incidentId}@${alert.account}/${alert.region}`,
        summary: title,
        eventType: 'task-stopped/out-of-memory',
        relatedResources: alert.relatedResources,
        additionalContext: {
          severity: 'warning',
          cluster: 'prod',
          service: 'web',
          region: alert.region,
          account: alert.account,
          occurredAt: alert.occurredAt,
          dryRun: 'true',
          exitCode: '137',
        },
      },
    });
    expect(chatThreadIdOf(alert)).toBe(notification.metadata?.threadId);
  });

  it('marks each severity in the title, and says dry run only for a dry run', () => {
    // Act
    const titles = (['critical', 'warning', 'info'] as const).map(
      (severity) => toChatbotNotification(taskStopAlert({ severity, title: 't' })).content.title,
    );

    // Assess
    expect(titles).toEqual(['🔴 t', '🟠 t', '🔵 t']);
  });

  it('puts the console links in a last paragraph of their own, separated by a dot', () => {
    // Prepare
    const links = [
      { label: 'Task', url: 'https://console.aws.amazon.com/t' },
      { label: 'Service', url: 'https://console.aws.amazon.com/s' },
    ];

    // Act
    const { description } = toChatbotNotification(taskStopAlert({ description: 'What happened.', links })).content;

    // Assess
    expect(description).toBe(
      'What happened.\n\n[Task](https://console.aws.amazon.com/t) · [Service](https://console.aws.amazon.com/s)',
    );
  });
});

describe('Schema: ChatbotNotificationSchema', () => {
  it('takes only what Amazon Q Developer reads: version 1.0, custom source, a description, no unknown fields', () => {
    // Prepare
    const valid = { version: '1.0', source: 'custom', content: { description: 'd' } };

    // Act
    const verdicts = [
      valid,
      { ...valid, version: '2.0' },
      { ...valid, source: 'aws.ecs' },
      { ...valid, content: { description: '' } },
      { ...valid, content: { description: 'd', body: 'x' } },
      { ...valid, extra: true },
      { ...valid, metadata: { threadId: 't', additionalContext: { n: 1 } } },
      { ...valid, content: { description: 'd', textType: 'markdown' } },
    ].map((body) => v.safeParse(ChatbotNotificationSchema, body).success);

    // Assess
    expect(verdicts).toEqual([true, false, false, false, false, false, false, false]);
  });
});
