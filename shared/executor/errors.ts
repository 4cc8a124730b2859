import { AutopilotError } from '../errors.js';

/** A reaction handed the executor no client for an action that needs one: a wiring mistake in its function. */
export class MissingClientError extends AutopilotError {
  constructor(client: string) {
    super(`the executor was given no ${client} client, which this action needs: pass it in the executor's clients`);
    this.name = 'MissingClientError';
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
