/**
 * The schema builder for what functions receive at run time (events, queued messages, alerts): valibot, whose
 * functions tree-shake one by one, about 8 KiB in a function where `zod/mini` took about 30. Import it as
 * `import * as v from '…/validation/input-schema.js'`, never `valibot` directly (biome enforces it): issues here read
 * as the config's zod issues do, `Invalid input: expected number, received string`, a missing field, an unknown one
 * and the bounds below included.
 * A star re-export, not a re-exported namespace object, so that esbuild still tree-shakes.
 */
import * as v from 'valibot';

export * from 'valibot';

const kindOf = (input: unknown) => (input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input);

v.setSchemaMessage((issue) => `Invalid input: expected ${issue.expected}, received ${kindOf(issue.input)}`);

/** For a missing field, what its own schema expects (valibot would name the key); an unknown one, as zod says it. */
const fieldMessage =
  (entries: v.ObjectEntries) =>
  (issue: v.BaseIssue<unknown>): string => {
    const key = issue.path?.at(-1)?.key;
    if (issue.expected === 'never') return `Unrecognized key: "${String(key)}"`;
    const field = issue.input === undefined && typeof key === 'string' ? entries[key] : undefined;
    return `Invalid input: expected ${field?.expects ?? issue.expected}, received ${kindOf(issue.input)}`;
  };

/** valibot's `object` (unknown fields dropped), naming a missing field's type. */
export const object = <const E extends v.ObjectEntries>(entries: E) => v.object(entries, fieldMessage(entries));

/** valibot's `looseObject` (unknown fields kept), naming a missing field's type. */
export const looseObject = <const E extends v.ObjectEntries>(entries: E) =>
  v.looseObject(entries, fieldMessage(entries));

/** valibot's `strictObject` (an unknown field is an issue), naming a missing field's type. */
export const strictObject = <const E extends v.ObjectEntries>(entries: E) =>
  v.strictObject(entries, fieldMessage(entries));

/** An integer JavaScript counts exactly, as zod's `int()`. */
export const int = () => v.pipe(v.number(), v.safeInteger('Invalid input: expected int, received number'));

/** A number's lower bound, worded as zod's: `Too small: expected number to be >=1`. */
export const minValue = <const T extends number>(min: T) =>
  v.minValue<number, T, string>(min, `Too small: expected number to be >=${min}`);

/** A number's exclusive lower bound, worded as zod's. */
export const gtValue = <const T extends number>(bound: T) =>
  v.gtValue<number, T, string>(bound, `Too small: expected number to be >${bound}`);

/** A number's upper bound, worded as zod's: `Too big: expected number to be <=100`. */
export const maxValue = <const T extends number>(max: T) =>
  v.maxValue<number, T, string>(max, `Too big: expected number to be <=${max}`);

/** A string's or an array's least length, worded as zod's: `Too small: expected string to have >=1 characters`. */
export const minLength = <TInput extends v.LengthInput, const T extends number>(min: T) =>
  v.minLength<TInput, T, (issue: v.MinLengthIssue<TInput, T>) => string>(
    min,
    (issue) =>
      `Too small: expected ${typeof issue.input === 'string' ? `string to have >=${min} characters` : `array to have >=${min} items`}`,
  );

/** A string's or an array's greatest length, worded as zod's: `Too big: expected string to have <=128 characters`. */
export const maxLength = <TInput extends v.LengthInput, const T extends number>(max: T) =>
  v.maxLength<TInput, T, (issue: v.MaxLengthIssue<TInput, T>) => string>(
    max,
    (issue) =>
      `Too big: expected ${typeof issue.input === 'string' ? `string to have <=${max} characters` : `array to have <=${max} items`}`,
  );
