import { describe, expect, it } from 'vitest';
import { auditAlerts, auditVerdict, byService, groupOf, renderAuditText } from '#shared/audit/report.js';
import type { Finding } from '#shared/audit/types.js';

const SERVICE = 'arn:aws:ecs:us-east-1:111122223333:service/prod/web';
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/prod-alb/1/2';
const AT = { region: 'eu-west-1', account: '111122223333', occurredAt: '2026-11-26T12:00:00Z' };

const finding = (changes: Partial<Finding> = {}): Finding => ({
  id: 'scaling/two-scalers/00000000000000aa',
  check: 'scaling',
  kind: 'two-scalers',
  severity: 'warning',
  clusterName: 'prod',
  serviceName: 'web',
  resource: SERVICE,
  problem: 'two scalers change the count',
  impact: 'the count oscillates',
  fix: 'keep one',
  consoleUrl: 'https://console/web',
  facts: {},
  ...changes,
});
const listenerFinding = finding({
  id: 'listeners/plain-http/00000000000000bb',
  check: 'listeners',
  kind: 'plain-http',
  severity: 'info',
  serviceName: undefined,
  resource: LISTENER,
  problem: 'plain HTTP',
  impact: 'read on the way',
  fix: 'redirect',
  consoleUrl: 'https://console/listener',
});

describe('renderAuditText', () => {
  it('shows each finding with its severity, what, why, fix, link and id, then the totals', () => {
    // Act
    const text = renderAuditText({ services: 2, findings: [finding()], notAudited: [] });

    // Assess
    expect(text).toBe(
      [
        'prod/web  (1 warning)',
        `  WARNING  scaling/two-scalers  ${SERVICE}`,
        '           what:  two scalers change the count',
        '           why:   the count oscillates',
        '           fix:   keep one',
        '           see:   https://console/web',
        '           id:    scaling/two-scalers/00000000000000aa',
        '',
        '2 service(s) audited: 1 finding(s) (1 warning).',
        '',
      ].join('\n'),
    );
  });

  it('says there is no finding, after what it could not audit', () => {
    // Act
    const text = renderAuditText({ services: 0, findings: [], notAudited: ['cluster prod: denied'] });

    // Assess
    expect(text).toBe('not audited: cluster prod: denied\n0 service(s) audited: no finding.\n');
  });

  it('counts info findings and pads every severity to one column', () => {
    // Act
    const text = renderAuditText({
      services: 1,
      findings: [finding({ severity: 'critical' }), listenerFinding],
      notAudited: [],
    });

    // Assess
    expect(text).toContain(`\n  INFO     listeners/plain-http  ${LISTENER}\n`);
    expect(text).toContain(`prod/web  (1 critical)\n  CRITICAL scaling/two-scalers  ${SERVICE}\n`);
    expect(text).toContain('1 service(s) audited: 2 finding(s) (1 critical, 1 info).\n');
  });
});

describe('byService', () => {
  it('groups findings under cluster/service, or the cluster alone, in name order', () => {
    // Prepare
    const api = finding({ serviceName: 'api', id: 'a' });

    // Act
    const groups = byService([finding(), listenerFinding, api]);

    // Assess
    expect([...groups].map(([name, found]) => [name, found.map((f) => f.id)])).toEqual([
      ['prod', [listenerFinding.id]],
      ['prod/api', ['a']],
      ['prod/web', [finding().id]],
    ]);
    expect([groupOf(finding()), groupOf(listenerFinding)]).toEqual(['prod/web', 'prod']);
  });
});

describe('auditAlerts', () => {
  it("alerts on a service's findings with its most severe, each finding's problem, impact, link and fix", () => {
    // Prepare
    const critical = finding({ id: 'c', severity: 'critical', problem: 'blocked', impact: '502', fix: 'open it' });

    // Act
    const [alert] = auditAlerts([critical, finding()], AT);

    // Assess
    expect(alert).toMatchObject({
      incidentId: expect.stringMatching(/^audit\/prod\/web\/[0-9a-f]{16}$/),
      severity: 'critical',
      kind: 'audit/findings',
      title: 'prod/web: 2 new audit findings (1 critical, 1 warning)',
      description:
        '**critical** blocked. _Why it matters:_ 502. [Open in the console](https://console/web)\n**warning** two scalers change the count. _Why it matters:_ the count oscillates. [Open in the console](https://console/web)',
      nextSteps: ['open it', 'keep one'],
      keywords: ['scaling'],
      cluster: 'prod',
      service: 'web',
      region: 'eu-west-1',
      account: '111122223333',
      relatedResources: [SERVICE],
      dryRun: false,
      occurredAt: AT.occurredAt,
    });
    expect(alert?.links).toHaveLength(1);
  });

  it("alerts on a load balancer's own findings under its cluster, with no service and no service link", () => {
    // Act
    const [alert] = auditAlerts([listenerFinding], AT);

    // Assess
    expect(alert).toMatchObject({
      incidentId: expect.stringMatching(/^audit\/prod\/[0-9a-f]{16}$/),
      severity: 'info',
      title: 'prod load balancers: 1 new audit finding (1 info)',
      cluster: 'prod',
      service: 'none',
      links: [],
      keywords: ['listeners'],
      relatedResources: [LISTENER],
    });
  });

  it('gives the same set of findings the same incident in any order, and another set another', () => {
    // Prepare
    const other = finding({ id: 'scaling/two-scalers/00000000000000cc' });

    // Act
    const incidents = [
      auditAlerts([finding(), other], AT),
      auditAlerts([other, finding()], AT),
      auditAlerts([finding()], AT),
    ].map((alerts) => alerts[0]?.incidentId);

    // Assess
    expect(incidents[1]).toBe(incidents[0]);
    expect(incidents[2]).not.toBe(incidents[0]);
  });

  it('sends no alert when nothing is new', () => {
    // Act
    const alerts = auditAlerts([], AT);

    // Assess
    expect(alerts).toEqual([]);
  });
});

describe('auditVerdict', () => {
  it('calls an incomplete read incomplete when no finding fails it, whatever the threshold', () => {
    // Prepare
    const summary = { services: 1, findings: [listenerFinding], notAudited: ['target group old: not found'] };

    // Act
    const verdicts = [auditVerdict(summary, 'none'), auditVerdict(summary, 'warning'), auditVerdict(summary, 'info')];

    // Assess
    expect(verdicts).toEqual(['incomplete', 'incomplete', 'findings']);
  });

  it('calls an audit with only milder findings clean', () => {
    // Act
    const verdict = auditVerdict({ services: 1, findings: [listenerFinding], notAudited: [] }, 'warning');

    // Assess
    expect(verdict).toBe('clean');
  });
});
