import { AutopilotError } from '../errors.js';

/**
 * The longest name a config pattern is matched against (CloudWatch alarm names have at most 255 characters). With
 * patterns proven at most quadratic at validation (`safeRegexSchema` in safe-regex.ts), a match costs at most about 256² steps.
 */
export const MAX_MATCHED_NAME = 256;

/** A name longer than any a pattern is matched against: refused rather than matched in unbounded time. */
export class NameTooLongError extends AutopilotError {
  constructor(name: string) {
    super(`a name of ${name.length} characters is longer than ${MAX_MATCHED_NAME}: not matched against the config`);
    this.name = 'NameTooLongError';
  }
}

const compiled = new Map<string, RegExp>();

/**
 * Whether a config pattern matches anywhere in a name. JavaScript's own engine: the config's patterns were checked at
 * packaging to be valid both for RE2 and with the `u` flag, and free of super-quadratic backtracking.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  if (name.length > MAX_MATCHED_NAME) throw new NameTooLongError(name);
  const re = compiled.get(pattern) ?? new RegExp(pattern, 'u');
  // Stryker disable next-line CallExpression: a cache; without it each match compiles the same expression again
  compiled.set(pattern, re);
  return re.test(name);
}
