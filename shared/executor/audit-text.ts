import type { AuditRecord } from './executor.js';

/** What the executor did with one action, as one Markdown line of an alert. */
export function auditLine(record: AuditRecord): string {
  switch (record.outcome) {
    case 'applied':
      return `• ${record.description} (verified: ${record.verification?.evidence ?? 'yes'})`;
    case 'already-done':
      return `• ${record.description}: nothing to do, ${record.verification?.evidence ?? 'already done'}`;
    case 'dry-run':
      return `• would ${record.description} (dry run: nothing changed)`;
    case 'blocked':
      return `• did not ${record.description}: guardrail ${record.guard?.rule}: ${record.guard?.why}`;
    case 'duplicate':
      return `• ${record.description}: already done in this run`;
    case 'skipped':
      return `• did not ${record.description}: ${record.error}`;
    case 'failed':
      return `• FAILED to ${record.description}: ${record.error}`;
  }
}

/** True when the automation could not do what it planned: an alert must say so. */
export function troubled(audit: readonly AuditRecord[]): boolean {
  return audit.some((r) => r.outcome === 'failed' || r.outcome === 'blocked' || r.outcome === 'skipped');
}
