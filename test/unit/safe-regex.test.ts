import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { safeRegexSchema } from '#shared/validation/safe-regex.js';
import { integerInRange, nearest, strictObject, unknownKeysMessage } from '#shared/validation/strict.js';

/** Why a schema refuses a value, or undefined when it takes it. */
function refusal(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues.map((i) => i.message).join('; ');
}

describe('Validation: safeRegexSchema', () => {
  it('takes a pattern that backtracks at worst quadratically', () => {
    // Act & Assess
    expect(refusal(safeRegexSchema, 'x*y')).toBeUndefined();
    expect(refusal(safeRegexSchema, '^\\d+\\d+$')).toBeUndefined();
  });

  it('refuses a cubic pattern, with a name it is slow on and the advice to anchor it', () => {
    // Act & Assess
    expect(refusal(safeRegexSchema, 'a*a*$')).toMatch(
      /^a regular expression that cannot backtrack catastrophically: it backtracks in 3rd degree polynomial time on names such as .+ \(anchor it with \^, or fewer repetitions that can match the same text\)$/,
    );
  });

  it('refuses an exponential pattern with the advice against nested repetition', () => {
    // Act & Assess
    expect(refusal(safeRegexSchema, '^(a|a)*$')).toMatch(
      /exponential time on names such as .+ \(no repetition of a repetition or of alternatives that match the same text\)$/,
    );
  });

  it('refuses a pattern RE2 takes but JavaScript refuses with the u flag', () => {
    // Act & Assess
    expect(refusal(safeRegexSchema, 'a\\-b')).toMatch(/^a regular expression JavaScript accepts with the u flag: /);
  });

  it('refuses a pattern over 256 characters for its length alone, without analysing it', () => {
    // Act & Assess
    expect(refusal(safeRegexSchema, `(${'a'.repeat(256)}`)).toBe('a regular expression of at most 256 characters');
    expect(refusal(safeRegexSchema, '')).toBe('Too small: expected string to have >=1 characters');
  });
});

describe('Validation: strict objects and ranges', () => {
  it('suggests the nearest valid key when one is close, and lists the valid keys otherwise', () => {
    // Act & Assess
    expect(unknownKeysMessage(['reacton', 'zzz'], ['reaction', 'step'])).toBe(
      'unknown key "reacton" (did you mean "reaction"?); unknown key "zzz" (valid keys: reaction, step)',
    );
  });

  it('takes a third of a long word in typos, at least two, and nothing further off', () => {
    // Act & Assess
    expect(nearest('minHealty', ['minHealthy'])).toBe('minHealthy');
    expect(nearest('cooldwnScnds', ['cooldownSeconds'])).toBe('cooldownSeconds');
    expect(nearest('xxxxxxxxx', ['cooldownSeconds'])).toBeUndefined();
    expect(nearest('step', [])).toBeUndefined();
  });

  it("keeps zod's own wording for anything but an unknown key", () => {
    // Prepare
    const schema = strictObject({ step: z.number() });

    // Act & Assess
    expect(refusal(schema, { step: 'one' })).toBe('Invalid input: expected number, received string');
    expect(refusal(schema, { step: 1, stepp: 2 })).toBe('unknown key "stepp" (did you mean "step"?)');
  });

  it('says the range, with its unit when it has one, for a value out of it or not a number at all', () => {
    // Act & Assess
    expect(refusal(integerInRange(30, 300, 'seconds'), '60')).toBe('an integer from 30 to 300 seconds');
    expect(refusal(integerInRange(30, 300, 'seconds'), 301)).toBe('an integer from 30 to 300 seconds');
    expect(refusal(integerInRange(1, 5, ''), 0)).toBe('an integer from 1 to 5');
  });
});
