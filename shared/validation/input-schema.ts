/**
 * The schema builder for what functions receive at run time (events, queued messages, alerts): valibot, whose
 * functions tree-shake one by one, about 8 KiB in a function where `zod/mini` took about 30. Import it as
 * `import * as v from '…/validation/input-schema.js'`, never `valibot` directly (biome enforces it): issues here read
 * as the config's zod issues do, `Invalid input: expected number, received string`, a missing field included.
 * A star re-export, not a re-exported namespace object, so that esbuild still tree-shakes.
 */
import * as v from 'valibot';

export * from 'valibot';

const kindOf = (input: unknown) => (input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input);

v.setSchemaMessage((issue) => `Invalid input: expected ${issue.expected}, received ${kindOf(issue.input)}`);

/** For a missing field, what its own schema expects (valibot would name the key), in the wording above. */
const missingFieldMessage =
  (entries: v.ObjectEntries) =>
  (issue: v.BaseIssue<unknown>): string => {
    const key = issue.path?.at(-1)?.key;
    const field = issue.input === undefined && typeof key === 'string' ? entries[key] : undefined;
    return `Invalid input: expected ${field?.expects ?? issue.expected}, received ${kindOf(issue.input)}`;
  };

/** valibot's `object` (unknown fields dropped), naming a missing field's type. */
export const object = <const E extends v.ObjectEntries>(entries: E) => v.object(entries, missingFieldMessage(entries));

/** valibot's `looseObject` (unknown fields kept), naming a missing field's type. */
export const looseObject = <const E extends v.ObjectEntries>(entries: E) =>
  v.looseObject(entries, missingFieldMessage(entries));

/** An integer JavaScript counts exactly, as zod's `int()`. */
export const int = () => v.pipe(v.number(), v.safeInteger());
