import { describe, expect, it } from 'vitest';
import type { ScheduledEvent } from '#shared/events/scheduled.js';
import type { AuditRecord, Outcome } from '#shared/executor/audit.js';
import type { ReconcileFindings } from '#shared/reconciler/plan.js';
import { reconcileAlert, removalKey } from '#shared/reconciler/report.js';
import { ACCOUNT, REGION, TG_WEB, TG_WEB_CANARY } from '#test/support/builders.js';

const EVENT: ScheduledEvent = {
  version: '0',
  id: 'sweep-1',
  source: 'aws.events',
  account: ACCOUNT,
  region: REGION,
  time: '2026-11-26T10:05:00Z',
  resources: [],
  'detail-type': 'Scheduled Event',
  detail: {},
};
const TASK = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/0123456789abcdef0123456789abcdef`;
const NONE: ReconcileFindings = { unknownTargets: [], youngOrphans: [], missingTasks: [] };
const WEB = { clusterName: 'prod', serviceName: 'web' };
const API = { clusterName: 'prod', serviceName: 'api' };

function orphan(outcome: Outcome, subject = WEB, targetGroupArn = TG_WEB): AuditRecord {
  return {
    action: {
      kind: 'deregister-targets',
      subject,
      why: 'its task stopped 20 minutes ago',
      targetGroupArn,
      targets: [{ id: '10.0.1.5', port: 8080 }],
      basis: { inService: 3, healthy: 2, removingHealthy: 0 },
    },
    description: 'deregister 10.0.1.5:8080 from web-tg',
    outcome,
    why: 'its task stopped 20 minutes ago',
    ...(outcome === 'applied' ? { verification: { mode: 'read-back' as const, ok: true, evidence: 'gone' } } : {}),
    ...(outcome === 'blocked' ? { guard: { rule: 'never-empty', why: 'the last target stays' } } : {}),
    at: '2026-11-26T10:05:01Z',
    durationMs: 40,
  };
}

describe('Reconciler report: the summary alert', () => {
  it('says nothing when the sweep fixed, found and missed nothing, even with young orphans waiting', () => {
    // Prepare
    const findings = { ...NONE, youngOrphans: [{ targetGroupArn: TG_WEB, target: '10.0.1.5:8080', taskArn: TASK }] };

    // Act
    const alert = reconcileAlert({ event: EVENT, audit: [], findings, services: [WEB], dryRun: false });

    // Assess
    expect(alert).toBeUndefined();
  });

  it('reports one deregistered orphan as a warning of its service, with its line, link and target group', () => {
    // Act
    const alert = reconcileAlert({
      event: EVENT,
      audit: [orphan('applied')],
      findings: NONE,
      services: [WEB, API],
      dryRun: false,
    });

    // Assess
    expect(alert).toEqual({
      incidentId: `ecs-autopilot-reconciler/${ACCOUNT}/${REGION}/2026-11-26`,
      dedupKey: expect.stringMatching(new RegExp(`^ecs-autopilot-reconciler/sweep-1/${ACCOUNT}/${REGION}/[\\w-]{16}$`)),
      severity: 'warning',
      kind: 'reconciler/drift',
      title: 'reconciler: orphans deregistered in 1 target group(s)',
      description: [
        '*Orphan targets (their task stopped past the grace period):*',
        '• deregister 10.0.1.5:8080 from web-tg (verified: gone)',
      ].join('\n'),
      nextSteps: [],
      keywords: ['reconciler', 'drift'],
      cluster: 'prod',
      service: 'web',
      region: REGION,
      account: ACCOUNT,
      links: [{ label: 'Service prod/web', url: expect.stringContaining('/clusters/prod/services/web') }],
      relatedResources: [TG_WEB],
      dryRun: false,
      occurredAt: '2026-11-26T10:05:00.000Z',
    });
  });

  it('names each kind of drift in the headline, the description and the next steps, critical when an orphan is left', () => {
    // Prepare
    const findings: ReconcileFindings = {
      unknownTargets: [{ targetGroupArn: TG_WEB_CANARY, target: '10.0.9.9:80', state: 'healthy' }],
      youngOrphans: [],
      missingTasks: [{ serviceName: 'api', targetGroupArn: TG_WEB, target: '10.0.2.7:8080', taskArn: TASK }],
    };
    const audit = [orphan('dry-run'), orphan('blocked', API, TG_WEB_CANARY)];

    // Act
    const alert = reconcileAlert({
      event: EVENT,
      audit,
      findings,
      notSwept: ['cluster staging: not found'],
      services: [WEB, API],
      dryRun: true,
    });

    // Assess
    expect(alert?.severity).toBe('critical');
    expect(alert?.title).toBe(
      'reconciler: orphans to deregister in 1 target group(s), orphans left in 1 target group(s), 1 unknown target(s), ' +
        '1 task(s) missing from their target group, 1 part(s) of the config not swept',
    );
    expect(alert?.description.split('\n')).toEqual([
      '*Not swept: the config and AWS disagree, or AWS could not be read:*',
      '• cluster staging: not found',
      '*Orphan targets (their task stopped past the grace period):*',
      '• would deregister 10.0.1.5:8080 from web-tg (dry run: nothing changed)',
      '• did not deregister 10.0.1.5:8080 from web-tg: guardrail never-empty: the last target stays',
      '*Registered, but no task of a managed service owns them (left alone):*',
      '• 10.0.9.9:80 in web-canary (healthy)',
      '*Running, but not registered in their target group:*',
      '• api task 01234567: 10.0.2.7:8080 not in web-tg',
    ]);
    expect(alert?.nextSteps).toEqual([
      'Fix ecs-autopilot.yml (or the account and region it is deployed to) so that every listed cluster exists.',
      'Check who registered the unknown targets; deregister them by hand if they are stale.',
      "Check the service's events: ECS registers a task's target when it starts; a missing one gets no traffic.",
    ]);
    expect(alert?.links.map((l) => l.label)).toEqual(['Service prod/web', 'Service prod/api']);
    expect([alert?.cluster, alert?.service]).toEqual(['multiple', 'multiple']);
    expect(alert?.relatedResources).toEqual([TG_WEB, TG_WEB_CANARY]);
    expect(alert?.dryRun).toBe(true);
  });

  it.each([
    [
      'an unknown target',
      { ...NONE, unknownTargets: [{ targetGroupArn: TG_WEB, target: '10.0.9.9:80', state: 'healthy' }] },
      [],
      'reconciler: 1 unknown target(s)',
    ],
    [
      'a missing task',
      {
        ...NONE,
        missingTasks: [{ serviceName: 'web', targetGroupArn: TG_WEB, target: '10.0.2.7:8080', taskArn: TASK }],
      },
      [],
      'reconciler: 1 task(s) missing from their target group',
    ],
    ['a part not swept', NONE, ['cluster staging: not found'], 'reconciler: 1 part(s) of the config not swept'],
  ])('reports %s alone, scoped to the one managed service or to none', (_, findings, notSwept, title) => {
    // Act
    const one = reconcileAlert({ event: EVENT, audit: [], findings, notSwept, services: [WEB], dryRun: false });
    const none = reconcileAlert({ event: EVENT, audit: [], findings, notSwept, services: [], dryRun: false });

    // Assess
    expect(one?.title).toBe(title);
    expect(one?.severity).toBe('warning');
    expect(one?.description.split('\n')).toHaveLength(2);
    expect(one?.nextSteps).toHaveLength(1);
    expect([one?.cluster, one?.service]).toEqual(['prod', 'multiple']);
    expect([none?.cluster, none?.service]).toEqual(['multiple', 'multiple']);
    expect(one?.links).toEqual([]);
  });

  it('lists a target group once when two orphans left it, and an orphan of one place once in the links', () => {
    // Act
    const alert = reconcileAlert({
      event: EVENT,
      audit: [orphan('applied'), orphan('failed')],
      findings: NONE,
      services: [WEB],
      dryRun: false,
    });

    // Assess
    expect(alert?.title).toBe(
      'reconciler: orphans deregistered in 1 target group(s), orphans left in 1 target group(s)',
    );
    expect(alert?.relatedResources).toEqual([TG_WEB]);
    expect(alert?.links).toHaveLength(1);
    expect([alert?.cluster, alert?.service]).toEqual(['prod', 'web']);
  });

  it('keys the alert by what the sweep removed: two sweeps of one schedule removing as many targets elsewhere differ', () => {
    // Prepare: two deliveries of one schedule, each removing one target, from another group
    const sweep = (audit: AuditRecord[]) =>
      reconcileAlert({ event: EVENT, audit, findings: NONE, services: [WEB], dryRun: false })?.dedupKey;
    const inWeb = orphan('applied');
    const inCanary = orphan('applied', WEB, TG_WEB_CANARY);
    const other = { ...inWeb, action: { ...inWeb.action, targets: [{ id: '10.0.1.6', port: 8080 }] } };
    const twoTargets = (order: number[]) => ({
      ...inWeb,
      action: { ...inWeb.action, targets: order.map((i) => ({ id: `10.0.1.${i}`, port: 8080 })) },
    });

    // Act
    const keys = {
      web: sweep([inWeb]),
      canary: sweep([inCanary]),
      otherTarget: sweep([other]),
      both: sweep([inWeb, inCanary]),
      bothReversed: sweep([inCanary, inWeb]),
      targetsInOrder: removalKey([twoTargets([5, 6])]),
      targetsReversed: removalKey([twoTargets([6, 5])]),
      refusedOnly: sweep([orphan('blocked')]),
      alreadyGone: removalKey([orphan('already-done')]),
      failed: removalKey([orphan('failed')]),
    };

    // Assess
    expect(new Set([keys.web, keys.canary, keys.otherTarget, keys.both, keys.refusedOnly]).size).toBe(5);
    expect(keys.bothReversed).toBe(keys.both);
    expect(keys.targetsReversed).toBe(keys.targetsInOrder);
    expect(keys.targetsInOrder).not.toBe(removalKey([inWeb]));
    expect(keys.refusedOnly).toMatch(/\/none$/);
    expect([keys.alreadyGone, keys.failed]).toEqual(['none', 'none']);
    expect(removalKey([orphan('dry-run')])).toBe(removalKey([inWeb]));
    // Written one after the other, these two lists read the same: the key keeps each target apart
    const listOf = (targets: Array<[string, number]>) => ({
      ...inWeb,
      action: { ...inWeb.action, targets: targets.map(([id, port]) => ({ id, port })) },
    });
    expect(
      removalKey([
        listOf([
          ['10.0.0.1', 1],
          ['110.0.0.2', 1],
        ]),
      ]),
    ).not.toBe(
      removalKey([
        listOf([
          ['10.0.0.1', 11],
          ['10.0.0.2', 1],
        ]),
      ]),
    );
  });
});
