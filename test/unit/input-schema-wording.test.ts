import { describe, expect, it } from 'vitest';
import * as v from '#shared/validation/input-schema.js';

/** The messages of what a schema refuses, or an empty list when it takes the value. */
function messages(schema: v.GenericSchema, value: unknown): string[] {
  const result = v.safeParse(schema, value);
  return result.success ? [] : result.issues.map((i) => i.message);
}

describe('Validation: run-time input wording, as the config speaks', () => {
  it('names what a field expects and the kind of value it got, null and arrays included', () => {
    // Prepare
    const schema = v.object({ taskArn: v.string() });

    // Act & Assess
    expect(messages(schema, { taskArn: 7 })).toEqual(['Invalid input: expected string, received number']);
    expect(messages(schema, { taskArn: null })).toEqual(['Invalid input: expected string, received null']);
    expect(messages(schema, { taskArn: ['a'] })).toEqual(['Invalid input: expected string, received array']);
  });

  it("names a missing field by its own schema's type, and an unknown one by its key", () => {
    // Prepare
    const schema = v.strictObject({ version: v.number() });

    // Act & Assess
    expect(messages(schema, {})).toEqual(['Invalid input: expected number, received undefined']);
    expect(messages(schema, { version: 1, versoin: 1 })).toEqual(['Unrecognized key: "versoin"']);
  });

  it('words bounds on numbers as zod does', () => {
    // Act & Assess
    expect(messages(v.int(), 1.5)).toEqual(['Invalid input: expected int, received number']);
    expect(messages(v.pipe(v.number(), v.minValue(1)), 0)).toEqual(['Too small: expected number to be >=1']);
    expect(messages(v.pipe(v.number(), v.gtValue(0)), 0)).toEqual(['Too small: expected number to be >0']);
    expect(messages(v.pipe(v.number(), v.maxValue(100)), 101)).toEqual(['Too big: expected number to be <=100']);
  });

  it('words lengths of strings and of arrays apart', () => {
    // Act & Assess
    expect(messages(v.pipe(v.string(), v.minLength(1)), '')).toEqual([
      'Too small: expected string to have >=1 characters',
    ]);
    expect(messages(v.pipe(v.array(v.string()), v.minLength(1)), [])).toEqual([
      'Too small: expected array to have >=1 items',
    ]);
    expect(messages(v.pipe(v.string(), v.maxLength(2)), 'abc')).toEqual([
      'Too big: expected string to have <=2 characters',
    ]);
    expect(messages(v.pipe(v.array(v.string()), v.maxLength(1)), ['a', 'b'])).toEqual([
      'Too big: expected array to have <=1 items',
    ]);
  });
});
