import { AutopilotError } from '../errors.js';
import { describeIssues, issuesOf } from '../validation/issues.js';

/** An event that does not have the shape its rule promises; `problems` names each bad field by its path. */
export class InvalidEventError extends AutopilotError {
  readonly problems: string[];

  constructor(what: string, problems: string[], options?: { cause?: unknown }) {
    super(`invalid ${what} event:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'InvalidEventError';
    this.problems = problems;
  }
}

/** The parsed event, or an InvalidEventError naming every bad field (for the DLQ and the logs). */
export function requireParsed<T>(
  result: { success: true; data: T } | { success: false; error: Error },
  what: string,
): T {
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new InvalidEventError(what, issues ? describeIssues(issues) : [result.error.message], {
    cause: result.error,
  });
}
