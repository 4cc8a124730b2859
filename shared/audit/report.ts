import { createHash } from 'node:crypto';
import type { Alert } from '../notify/alert.js';
import { buildAlert } from '../notify/build-alert.js';
import { inert } from '../notify/markdown.js';
import { atOrAbove } from './finding.js';
import type { Finding, FindingSeverity } from './types.js';
import { SEVERITIES } from './types.js';

/** What one audit looked at, besides its findings. */
export interface AuditSummary {
  services: number;
  findings: Finding[];
  notAudited: string[];
}

/** `<cluster>/<service>`, or the cluster alone for a finding about no one service (a shared load balancer's). */
export function groupOf(finding: Finding): string {
  return finding.serviceName ? `${finding.clusterName}/${finding.serviceName}` : finding.clusterName;
}

/** Findings by service, in their order (most severe first), the groups in name order. */
export function byService(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const name of [...new Set(findings.map(groupOf))].sort()) groups.set(name, []);
  for (const finding of findings) groups.get(groupOf(finding))?.push(finding);
  return groups;
}

const counts = (findings: readonly Finding[]) =>
  SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');

/** The audit as a person reads it in a terminal: per service, each finding with why it matters and the fix. */
export function renderAuditText(summary: AuditSummary): string {
  const lines: string[] = [];
  for (const [group, findings] of byService(summary.findings)) {
    lines.push(`${group}  (${counts(findings)})`);
    for (const f of findings) {
      lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.check}/${f.kind}  ${f.resource}`);
      lines.push(`           what:  ${f.problem}`);
      lines.push(`           why:   ${f.impact}`);
      lines.push(`           fix:   ${f.fix}`);
      lines.push(`           see:   ${f.consoleUrl}`);
      lines.push(`           id:    ${f.id}`);
    }
    lines.push('');
  }
  for (const what of summary.notAudited) lines.push(`not audited: ${what}`);
  const total = summary.findings.length;
  lines.push(
    total === 0
      ? `${summary.services} service(s) audited: no finding.`
      : `${summary.services} service(s) audited: ${total} finding(s) (${counts(summary.findings)}).`,
  );
  return `${lines.join('\n')}\n`;
}

const mostSevere = (findings: readonly Finding[]): FindingSeverity =>
  SEVERITIES.find((s) => findings.some((f) => f.severity === s)) ?? 'info';

/**
 * One alert per service with new or changed findings. Its incident is the set of those findings, so the same set
 * reported twice (a retry, two copies of the run) is de-duplicated by the outbox.
 */
export function auditAlerts(
  fresh: readonly Finding[],
  at: { region: string; account: string; occurredAt: string },
): Alert[] {
  return [...byService(fresh)].map(([group, findings]) => {
    const [first] = findings;
    const ids = findings.map((f) => f.id).sort();
    const hash = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
    const service = first?.serviceName ? { clusterName: first.clusterName, serviceName: first.serviceName } : undefined;
    return buildAlert({
      event: { region: at.region, account: at.account },
      incidentId: `audit/${group}/${hash}`,
      severity: mostSevere(findings),
      kind: 'audit/findings',
      ...(service ? { service } : { scope: { cluster: first?.clusterName ?? 'none', service: 'none' } }),
      headline: `${service ? '' : `${group} load balancers: `}${findings.length} new audit finding${findings.length === 1 ? '' : 's'} (${counts(findings)})`,
      description: findings.map(
        // Names in a finding come from AWS (a tag's stack name, a group's name): made inert, our own Markdown kept.
        (f) =>
          `**${f.severity}** ${inert(f.problem)}. _Why it matters:_ ${inert(f.impact)}. [Open in the console](${f.consoleUrl})`,
      ),
      nextSteps: findings.map((f) => f.fix),
      keywords: [...new Set(findings.map((f) => f.check))],
      links: service ? [{ service }] : [],
      relatedResources: [...new Set(findings.map((f) => f.resource))],
      dryRun: false,
      occurredAt: at.occurredAt,
    });
  });
}

/** How an audit ends, for CI: findings at or above the threshold, an incomplete read, or clean. */
export type AuditVerdict = 'findings' | 'incomplete' | 'clean';

/**
 * `findings` when one is at or above `failOn` (`none` never fails on findings), else `incomplete` when part of the
 * scope could not be read, else `clean`.
 */
export function auditVerdict(summary: AuditSummary, failOn: FindingSeverity | 'none'): AuditVerdict {
  if (failOn !== 'none' && summary.findings.some((f) => atOrAbove(f.severity, failOn))) return 'findings';
  return summary.notAudited.length > 0 ? 'incomplete' : 'clean';
}
