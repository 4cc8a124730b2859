import { AutopilotError } from '../errors.js';
import { type AuditRecord, auditErrorText } from './audit.js';

/** A reaction handed the executor no client for an action that needs one: a wiring mistake in its function. */
export class MissingClientError extends AutopilotError {
  constructor(client: string) {
    super(`the executor was given no ${client} client, which this action needs: pass it in the executor's clients`);
    this.name = 'MissingClientError';
  }
}

/** An orphan's removal reached an executor that cannot read who holds its targets: it is not removed unproven. */
export class MissingTargetOwnersError extends AutopilotError {
  constructor() {
    super("the executor was given no targetOwners, which an orphan's removal needs to prove no task holds its targets");
    this.name = 'MissingTargetOwnersError';
  }
}

/** A write AWS accepted, but reading it back did not find the intended state. */
export class VerificationFailedError extends AutopilotError {
  constructor(evidence: string) {
    super(`verification failed: ${evidence}`);
    this.name = 'VerificationFailedError';
  }
}

/** An action that waits for another, which did not succeed: it is skipped, not tried. */
export class PrerequisiteNotMetError extends AutopilotError {
  constructor(prerequisite: string, outcome: string | undefined) {
    super(`its prerequisite ended ${outcome ?? 'not run'}: ${prerequisite}`);
    this.name = 'PrerequisiteNotMetError';
  }
}

/** A reaction planned an action whose kind it did not hand the executor: a wiring mistake in the reaction. */
export class MissingActionKindError extends AutopilotError {
  constructor(kind: string) {
    super(`the executor was given no "${kind}" action kind: pass it in the executor's kinds`);
    this.name = 'MissingActionKindError';
  }
}

/**
 * Actions of a reaction failed after it reported them: the invocation fails, so that Lambda retries the event and, when
 * every retry fails too, hands it to the on-failure destination. `reaction` is what was done and reported.
 */
export class ActionsFailedError<Reaction extends { audit: AuditRecord[] }> extends AutopilotError {
  readonly reaction: Reaction;

  constructor(reaction: Reaction, options?: { cause?: unknown }) {
    const failed = reaction.audit.filter((r) => r.outcome === 'failed');
    const what = failed.map((r) => `${r.description}: ${r.error ? auditErrorText(r.error) : 'failed'}`).join('; ');
    super(`${failed.length} action(s) failed after the reaction was reported; the event is retried: ${what}`, options);
    this.name = 'ActionsFailedError';
    this.reaction = reaction;
  }
}

/** The reaction as is when every action it ran ended without failing; else {@link ActionsFailedError}. */
export function failedActionsThrown<Reaction extends { audit: AuditRecord[] }>(reaction: Reaction): Reaction {
  const failed = reaction.audit.find((r) => r.outcome === 'failed');
  if (failed) throw new ActionsFailedError(reaction, { cause: failed.error?.cause });
  return reaction;
}
