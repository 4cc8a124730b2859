import { createHash } from 'node:crypto';
import { type Finding, type FindingDraft, type FindingSeverity, SEVERITIES } from './types.js';

/**
 * A finding's id: the check, the kind, the resource, the service, the severity and the facts, hashed. The same
 * misconfiguration gives the same id on every run; a changed value or severity gives a new one (so it is new again).
 */
export function findingId(draft: FindingDraft): string {
  const facts = Object.keys(draft.facts)
    .sort()
    .map((key) => [key, draft.facts[key]]);
  const basis = JSON.stringify([
    draft.check,
    draft.kind,
    draft.resource,
    draft.clusterName,
    draft.serviceName ?? '',
    draft.severity,
    facts,
  ]);
  return `${draft.check}/${draft.kind}/${createHash('sha256').update(basis).digest('hex').slice(0, 16)}`;
}

/** Highest severity first, then by cluster, service, check and resource: the same findings list the same way. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.clusterName.localeCompare(b.clusterName) ||
    (a.serviceName ?? '').localeCompare(b.serviceName ?? '') ||
    a.check.localeCompare(b.check) ||
    a.resource.localeCompare(b.resource) ||
    a.id.localeCompare(b.id)
  );
}

/** True when `severity` is `threshold` or more severe. */
export function atOrAbove(severity: FindingSeverity, threshold: FindingSeverity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}
