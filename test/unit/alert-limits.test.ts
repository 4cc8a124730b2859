import { describe, expect, it } from 'vitest';
import { type Alert, boundedIncidentId, consoleLinks } from '#shared/notify/alert.js';
import { boundAlert, truncateText } from '#shared/notify/bound.js';
import { buildAlert } from '#shared/notify/build-alert.js';
import { toChatbotNotification } from '#shared/notify/chatbot.js';
import { inert } from '#shared/notify/markdown.js';
import { outboxMessageGroupOf } from '#shared/notify/outbox.js';

const alert: Alert = {
  incidentId: 'ecs-task/prod/web/task1',
  severity: 'warning',
  kind: 'task-stopped/out-of-memory',
  title: 'prod/web: task ran out of memory',
  description: 'line one\nline two',
  nextSteps: ['Raise the memory limit.'],
  keywords: ['out-of-memory'],
  cluster: 'prod',
  service: 'web',
  region: 'us-east-1',
  account: '111122223333',
  links: [{ label: 'Service', url: 'https://example.com/service' }],
  relatedResources: [],
  dryRun: false,
  occurredAt: '2026-11-24T12:00:00.000Z',
};

describe('Alert limits: truncateText', () => {
  it('keeps text at the limit whole, and cuts text one over it with a marker that says how much was cut', () => {
    // Prepare
    const text = 'x'.repeat(100);

    // Act
    const whole = truncateText(text, 100);
    const cut = truncateText(`${text}y`, 100);

    // Assess
    expect(whole).toBe(text);
    expect(cut).toBe(`${'x'.repeat(67)}… [34 more characters truncated]`);
    expect(cut.length).toBeLessThanOrEqual(100);
  });
});

describe('Alert limits: boundAlert', () => {
  it('keeps every line of a description that fits, and drops whole lines from the end with how many', () => {
    // Prepare: 12,000 characters allow 11,940 of lines; each line here takes 1,000 with its line break.
    const lines = Array.from({ length: 13 }, (_, i) => `${i}`.padEnd(999, '.'));

    // Act
    const fits = boundAlert({ ...alert, description: lines.slice(0, 11).join('\n') });
    const over = boundAlert({ ...alert, description: lines.join('\n') });

    // Assess
    expect(fits.description).toBe(lines.slice(0, 11).join('\n'));
    expect(over.description).toBe([...lines.slice(0, 11), '… [2 more line(s) truncated]'].join('\n'));
  });

  it('keeps lines that fill the description to its last allowed character, and not one character more', () => {
    // Prepare: 11,940 characters are allowed with their line breaks; 12 lines of 994 take exactly that.
    const exact = Array.from({ length: 12 }, () => 'x'.repeat(994));
    const over = [...exact.slice(0, 11), 'x'.repeat(995)];

    // Act
    const [fits, cut] = [exact, over].map((lines) => boundAlert({ ...alert, description: lines.join('\n') }));

    // Assess
    expect(fits?.description).toBe(exact.join('\n'));
    expect(cut?.description).toBe([...exact.slice(0, 11), '… [1 more line(s) truncated]'].join('\n'));
  });

  it('keeps at most 20 next steps, keywords, links and related resources', () => {
    // Prepare
    const many = Array.from({ length: 25 }, (_, i) => `item-${i}`);
    const links = many.map((label) => ({ label, url: `https://example.com/${label}` }));

    // Act
    const bounded = boundAlert({ ...alert, nextSteps: many, keywords: many, links, relatedResources: many });

    // Assess
    expect([bounded.nextSteps, bounded.keywords, bounded.relatedResources].map((l) => l.length)).toEqual([20, 20, 20]);
    expect(bounded.links).toEqual(links.slice(0, 20));
    expect(bounded.nextSteps.at(-1)).toBe('item-19');
  });

  it('shortens the description to a quarter when multi-byte lists push the alert past the byte limit, and only then', () => {
    // Prepare: 40 items of 500 four-byte characters (80 KB) beside 11 lines of 999 characters.
    const description = Array.from({ length: 11 }, () => 'x'.repeat(999)).join('\n');
    const wide = Array.from({ length: 20 }, () => '🔥'.repeat(500));

    // Act
    const shortened = boundAlert({ ...alert, description, nextSteps: wide, keywords: wide });
    const kept = boundAlert({ ...alert, description, nextSteps: wide });

    // Assess
    expect(shortened.description).toBe(['x'.repeat(999), 'x'.repeat(999), '… [9 more line(s) truncated]'].join('\n'));
    expect(shortened.nextSteps).toEqual(wide);
    expect(kept.description).toBe(description);
  });
});

describe('Alert limits: ids, groups and links', () => {
  it('keeps an incident id of 128 characters, and cuts a longer one keeping 16 characters of its hash', () => {
    // Prepare
    const exact = 'i'.repeat(128);

    // Act
    const longer = boundedIncidentId(`${exact}j`);

    // Assess
    expect(boundedIncidentId(exact)).toBe(exact);
    expect(longer).toHaveLength(128);
    expect(longer).toMatch(/^i{111}~[0-9a-f]{16}$/);
  });

  it('bounds the outbox group to the 128 characters SQS takes', () => {
    // Assess
    expect(outboxMessageGroupOf({ ...alert, service: 's'.repeat(200) })).toHaveLength(128);
  });

  it('links a target group to its console page, with the ARN encoded', () => {
    // Prepare
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef';

    // Assess
    expect(consoleLinks.targetGroup('us-east-1', arn)).toBe(
      `https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#TargetGroup:targetGroupArn=${encodeURIComponent(arn)}`,
    );
  });

  it('turns a run of line breaks and the spaces around them into one space', () => {
    // Assess
    expect(inert('first \r\n\n  second')).toBe('first second');
  });
});

describe('Alert limits: the chat notification', () => {
  it('links each page, leads the keywords with severity, cluster and service, and shows the facts as context', () => {
    // Act
    const notification = toChatbotNotification(
      buildAlert({
        event: { region: 'us-east-1', account: '111122223333' },
        incidentId: 'i-1',
        severity: 'warning',
        kind: 'k',
        service: { clusterName: 'prod', serviceName: 'web' },
        headline: 'h',
        description: ['d'],
        nextSteps: [],
        keywords: ['extra'],
        links: [{ alarm: 'web-5xx' }, { service: { clusterName: 'prod', serviceName: 'web' } }],
        relatedResources: [],
        dryRun: false,
        occurredAt: '2026-11-24T12:00:00.000Z',
        facts: [{ label: 'Alerts', value: '3' }],
      }),
    );

    // Assess
    expect(notification.content.description).toMatch(/^d\n\n\[Alarm\]\(https:\/\/[^)]+\) · \[Service\]\(https:/);
    expect(notification.content.keywords).toEqual(['warning', 'prod', 'web', 'extra']);
    expect(notification.metadata?.additionalContext).toMatchObject({ Alerts: '3' });
  });
});
