import { AutopilotError } from '../errors.js';
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
  /** Why the action was skipped or failed. */
  error?: AuditError;
  /** Targets of the action left in place, each with why: found held by a task when read again under the lease. */
  kept?: KeptTarget[];
  at: string;
  durationMs: number;
}

/** A target an action named and did not remove. */
export interface KeptTarget {
  target: string;
  why: string;
}

/** Why an action did not complete, kept whole: the error's name and message, the AWS request id, the error itself. */
export interface AuditError {
  name: string;
  message: string;
  /** The request id of the AWS call that failed (`$metadata.requestId`): what AWS Support asks for. */
  requestId?: string;
  /** The error as thrown. Not enumerable: a record stays plain data when a reaction is returned or queued as JSON. */
  readonly cause?: unknown;
}

/** An error as the audit record keeps it. */
export function auditErrorOf(error: unknown): AuditError {
  const thrown = error instanceof Error ? error : new Error(String(error));
  const requestId = (error as { $metadata?: { requestId?: unknown } } | null)?.$metadata?.requestId;
  const kept: AuditError = {
    name: thrown.name,
    message: thrown.message,
    ...(typeof requestId === 'string' && requestId !== '' ? { requestId } : {}),
  };
  Object.defineProperty(kept, 'cause', { value: error, enumerable: false });
  return kept;
}

/** An audit error in one line: our own say what happened in their message; others are named; AWS's request id last. */
export function auditErrorText(error: AuditError): string {
  const what = error.cause instanceof AutopilotError ? error.message : `${error.name}: ${error.message}`;
  return error.requestId ? `${what} (request id ${error.requestId})` : what;
}

/** What the executor did with one action, as one Markdown line of an alert, with the targets it kept and why. */
export function auditLine(record: AuditRecord): string {
  const kept = (record.kept ?? []).map((k) => `; kept ${k.target}: ${k.why}`).join('');
  return `${outcomeLine(record)}${kept}`;
}

function outcomeLine(record: AuditRecord): string {
  switch (record.outcome) {
    case 'applied':
      return `• ${record.description} (verified: ${record.verification?.evidence ?? 'yes'})`;
    case 'already-done':
      return `• ${record.description}: nothing to do, ${record.verification?.evidence ?? 'already done'}`;
    case 'dry-run':
      return `• would ${record.description} (dry run: nothing changed)`;
    case 'blocked':
      // Stryker disable next-line OptionalChaining: equivalent, the executor records a guard with every blocked action
      return `• did not ${record.description}: guardrail ${record.guard?.rule}: ${record.guard?.why}`;
    case 'duplicate':
      return `• ${record.description}: already done in this run`;
    case 'skipped':
      return `• did not ${record.description}: ${record.error ? auditErrorText(record.error) : 'skipped'}`;
    case 'failed':
      return `• FAILED to ${record.description}: ${record.error ? auditErrorText(record.error) : 'failed'}`;
  }
}

/** True when the automation could not do what it planned: an alert must say so. */
export function troubled(audit: readonly AuditRecord[]): boolean {
  return audit.some((r) => r.outcome === 'failed' || r.outcome === 'blocked' || r.outcome === 'skipped');
}
