import { closest, distance } from 'fastest-levenshtein';
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
