import { describe, expect, it } from 'vitest';
import { AlertSchema } from '#shared/notify/alert-schema.js';
import { type AlertContent, buildAlert } from '#shared/notify/build-alert.js';
import * as v from '#shared/validation/input-schema.js';
import { ACCOUNT, REGION, TG_WEB } from '#test/support/builders.js';

function content(overrides: Partial<AlertContent> = {}): AlertContent {
  return {
    event: { region: REGION, account: ACCOUNT },
    incidentId: 'ecs-task-stop/prod/a1b2c3d4',
    severity: 'warning',
    kind: 'task-stopped/spot-interruption',
    service: { clusterName: 'prod', serviceName: 'web' },
    headline: 'task a1b2c3d4 stopped (spot interruption)',
    description: ['*What happened:* capacity was reclaimed.', '*What ecs-autopilot did:*\n• nothing'],
    nextSteps: [],
    keywords: ['spot-interruption'],
    links: [],
    relatedResources: [],
    dryRun: false,
    occurredAt: '2026-11-24T12:00:00Z',
    ...overrides,
  };
}

describe('Notifications: buildAlert', () => {
  it('derives the title, cluster, service, region and account from the service and the event', () => {
    // Act
    const alert = buildAlert(content());

    // Assess
    expect(v.safeParse(AlertSchema, alert).success).toBe(true);
    expect(alert).toMatchObject({
      title: 'prod/web: task a1b2c3d4 stopped (spot interruption)',
      cluster: 'prod',
      service: 'web',
      region: REGION,
      account: ACCOUNT,
      description: '*What happened:* capacity was reclaimed.\n*What ecs-autopilot did:*\n• nothing',
    });
    expect(alert).not.toHaveProperty('dedupKey');
  });

  it('labels and addresses each console link from what it points at', () => {
    // Prepare
    const taskArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/a1b2c3d4`;

    // Act
    const { links } = buildAlert(
      content({
        links: [
          { task: { clusterName: 'prod', taskArn } },
          { service: { clusterName: 'prod', serviceName: 'web' } },
          { targetGroup: TG_WEB },
          { alarm: 'prod web 5xx' },
        ],
      }),
    );

    // Assess
    expect(links.map((l) => l.label)).toEqual(['Task', 'Service', 'Target group web-tg', 'Alarm']);
    expect(links[0]?.url).toContain('/clusters/prod/tasks/a1b2c3d4/');
    expect(links[3]?.url).toContain('alarm/prod%20web%205xx');
  });

  it('speaks for no one service when given none: no title prefix, the scope it is given or none', () => {
    // Act
    const alone = buildAlert(content({ service: undefined, headline: 'reconciler: 1 unknown target(s)' }));
    const scoped = buildAlert(content({ service: undefined, scope: { cluster: 'prod', service: 'multiple' } }));

    // Assess
    expect(alone).toMatchObject({ title: 'reconciler: 1 unknown target(s)', cluster: 'none', service: 'none' });
    expect(scoped).toMatchObject({ cluster: 'prod', service: 'multiple' });
  });

  it('keeps a long incident id within the limit, and distinct', () => {
    // Act
    const a = buildAlert(content({ incidentId: `ecs-service/${'x'.repeat(200)}/a` }));
    const b = buildAlert(content({ incidentId: `ecs-service/${'x'.repeat(200)}/b` }));

    // Assess
    expect(a.incidentId.length).toBeLessThanOrEqual(128);
    expect(a.incidentId).not.toBe(b.incidentId);
  });
});
