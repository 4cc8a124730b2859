import type { Action } from './actions.js';

/** How the executor confirms a write: by AWS's acknowledgement, or by reading the state back. */
export type VerificationMode = 'acknowledged' | 'read-back';

/** How an action ended. */
export type Outcome = 'applied' | 'already-done' | 'dry-run' | 'blocked' | 'duplicate' | 'skipped' | 'failed';

/** What the executor did with one action and why: handed to reporting and logged. */
export interface AuditRecord {
  action: Action;
  description: string;
  outcome: Outcome;
  why: string;
  guard?: { rule: string; why: string };
  verification?: { mode: VerificationMode; ok: boolean; evidence: string };
  error?: string;
  at: string;
  durationMs: number;
}

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
