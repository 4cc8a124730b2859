import fc from 'fast-check';

export { fuzzRuns } from '#test/support/fuzz-runs.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside a JSON document, as key lists. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  }
  return here;
}

/** What goes in place of a field: wrong types, huge and unicode strings, 256-character names, nothing at all. */
const replacement: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant('x'.repeat(256)),
  fc.constant('名'.repeat(256)),
  fc.constant('A'.repeat(200_000)),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

function setAt(root: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** A document with its later fields cut off, as a truncated delivery would leave it. */
function truncated(root: Json, keep: number): Json {
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return root;
  return Object.fromEntries(Object.entries(root).slice(0, keep));
}

/**
 * Events made from a real sample: untouched, with one to three fields replaced or removed anywhere inside, cut off
 * after a few fields, or any JSON value at all.
 */
export function mutatedEvents(sample: unknown): fc.Arbitrary<unknown> {
  const base = sample as Json;
  const paths = pathsOf(base);
  const oneChange = (doc: Json) =>
    fc.tuple(fc.constantFrom(...paths), replacement).map(([path, value]) => {
      try {
        return setAt(doc, path, value);
      } catch {
        return doc;
      }
    });
  return fc.oneof(
    { arbitrary: fc.constant(base), weight: 1 },
    { arbitrary: oneChange(base), weight: 6 },
    {
      arbitrary: oneChange(base)
        .chain((doc) => oneChange(doc))
        .chain((doc) => oneChange(doc)),
      weight: 3,
    },
    { arbitrary: fc.nat(Object.keys(base as object).length).map((keep) => truncated(base, keep)), weight: 2 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
    { arbitrary: fc.anything(), weight: 1 },
  );
}
