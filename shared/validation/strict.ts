import { closest, distance } from 'fastest-levenshtein';
import { RE2JS } from 're2js';
import * as z from 'zod';

/** The candidate a mistyped word most likely meant, if one is close enough to be a typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** `unknown key "x" (did you mean "y"?)`, one per key, or with the valid keys when none is close. */
export function unknownKeysMessage(keys: readonly string[], valid: readonly string[]): string {
  return keys
    .map((key) => {
      const guess = nearest(key, valid);
      return guess
        ? `unknown key "${key}" (did you mean "${guess}"?)`
        : `unknown key "${key}" (valid keys: ${valid.join(', ')})`;
    })
    .join('; ');
}

/** A strict object whose unknown keys are named, with the nearest valid key as a suggestion. */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const valid = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, valid) : undefined),
  });
}

/** An integer within a range, whose error says the range. */
export function integerInRange(min: number, max: number, unit: string) {
  const message = `an integer from ${min} to ${max}${unit ? ` ${unit}` : ''}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
}

/** The longest pattern the config takes: patterns are matched against names of at most 255 characters. */
const MAX_PATTERN = 256;

/**
 * A regular expression for the linear-time RE2 engine, so no pattern can backtrack catastrophically on a name.
 * Backreferences and lookaround, which need backtracking, are refused with the engine's reason.
 */
export const linearRegexSchema = z
  .string()
  .min(1)
  .max(MAX_PATTERN, `a regular expression of at most ${MAX_PATTERN} characters`)
  .superRefine((pattern, ctx) => {
    try {
      RE2JS.compile(pattern);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `a regular expression RE2 accepts (no backreferences or lookaround): ${(error as Error).message}`,
      });
    }
  });

const compiled = new Map<string, RE2JS>();

/** Whether a config pattern matches anywhere in a name, in time linear in the name. */
export function matchesPattern(pattern: string, name: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    compiled.set(pattern, re);
  }
  return re.test(name);
}
