import { describe, expect, it } from 'vitest';
import { runChecks } from '#shared/audit/checks/index.js';
import { auditAlerts, auditVerdict, renderAuditText } from '#shared/audit/report.js';
import { AlertSchema } from '#shared/notify/alert-schema.js';
import * as v from '#shared/validation/input-schema.js';
import { cleanObservation, HTTP_LISTENER, LB, TG_BLUE, web } from './observation.js';

/** web with a missing container port (critical) and a desired count past its bounds (warning), and plain HTTP. */
function findings() {
  const observed = cleanObservation();
  web(observed).desiredCount = 12;
  web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, containerName: 'app', containerPort: 81 }];
  const http = observed.loadBalancers[LB]?.listeners[0];
  if (http === undefined) throw new Error('no HTTP listener');
  http.defaultActions = [];
  return runChecks(observed);
}

describe('Audit: report', () => {
  it('fails on a finding at or above the threshold, and not on milder ones', () => {
    // Prepare
    const summary = { services: 1, findings: findings(), notAudited: [] };
    const mild = { ...summary, findings: summary.findings.filter((f) => f.severity !== 'critical') };

    // Act
    const verdicts = [
      auditVerdict(summary, 'critical'),
      auditVerdict(mild, 'critical'),
      auditVerdict(mild, 'warning'),
      auditVerdict(summary, 'none'),
    ];

    // Assess
    expect(verdicts).toEqual(['findings', 'clean', 'findings', 'clean']);
  });

  it('calls an audit that could not read everything incomplete', () => {
    // Act
    const verdict = auditVerdict({ services: 0, findings: [], notAudited: ['cluster prod: denied'] }, 'warning');

    // Assess
    expect(verdict).toBe('incomplete');
  });

  it('groups the text by service, most severe first, with what, why, fix and link', () => {
    // Act
    const text = renderAuditText({ services: 1, findings: findings(), notAudited: ['target group old: not found'] });

    // Assess
    const headers = text.split('\n').filter((line) => /^\S/.test(line));
    expect(headers).toEqual([
      'prod  (1 warning)',
      'prod/web  (2 critical, 1 warning)',
      'not audited: target group old: not found',
      '1 service(s) audited: 4 finding(s) (2 critical, 2 warning).',
    ]);
    expect(text).toContain(`  WARNING  listeners/plain-http  ${HTTP_LISTENER}\n           what:  internet-facing`);
  });

  it('builds one valid alert per service, its incident the set of its findings', () => {
    // Prepare
    const at = { region: 'us-east-1', account: '111122223333', occurredAt: '2026-11-26T12:00:00Z' };

    // Act
    const alerts = auditAlerts(findings(), at);
    const again = auditAlerts(findings(), at);

    // Assess
    expect(alerts.map((a) => [a.title, a.severity, a.cluster, a.service])).toEqual([
      ['prod load balancers: 1 new audit finding (1 warning)', 'warning', 'prod', 'none'],
      ['prod/web: 3 new audit findings (2 critical, 1 warning)', 'critical', 'prod', 'web'],
    ]);
    for (const alert of alerts) expect(v.parse(AlertSchema, alert)).toEqual(alert);
    expect(again.map((a) => a.incidentId)).toEqual(alerts.map((a) => a.incidentId));
    expect(alerts[1]?.nextSteps).toHaveLength(3);
  });

  it("makes names that come from AWS inert in the alert's Markdown, and keeps its own link", () => {
    // Prepare
    const [finding] = findings();
    if (finding === undefined) throw new Error('no finding');
    const crafted = { ...finding, problem: 'stack [Open runbook](https://evil.example) wrote the weights' };
    const at = { region: 'us-east-1', account: '111122223333', occurredAt: '2026-11-26T12:00:00Z' };

    // Act
    const [alert] = auditAlerts([crafted], at);

    // Assess
    expect(alert?.description).toContain('stack \\[Open runbook\\](https://evil.example) wrote the weights');
    expect(alert?.description).toContain(`[Open in the console](${finding.consoleUrl})`);
  });
});
