import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { MAX_MATCHED_NAME, matchesPattern, NameTooLongError } from '#shared/validation/name-pattern.js';
import { safeRegexSchema } from '#shared/validation/safe-regex.js';
import { fuzzTimeout } from '#test/support/fuzz-runs.js';
import { fuzzRuns } from './events.js';

/** Regular expressions over a few characters, with the nesting and overlap that make backtracking engines blow up. */
const patterns: fc.Arbitrary<string> = fc
  .letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('a', 'b', '-', '.', '[ab]', '\\d', 'a.*'),
      fc.tuple(tie('node'), tie('node')).map(([x, y]) => `${x}${y}`),
      fc.tuple(tie('node'), tie('node')).map(([x, y]) => `(${x}|${y})`),
      fc.tuple(tie('node'), fc.constantFrom('*', '+', '?', '{2,5}')).map(([x, q]) => `(${x})${q}`),
    ),
  }))
  .node.chain((body) => fc.constantFrom(body, `^${body}`, `${body}$`, `^${body}$`));

/** Names of at most 256 characters made of a pattern's own characters, the shape of an attack on it. */
const namesFor = (pattern: string) =>
  fc
    .tuple(
      fc.string({
        unit: fc.constantFrom(...new Set(`${pattern.replace(/[\\^$()|*+?{}[\]]/g, '')}a!`)),
        maxLength: 255,
      }),
      fc.constantFrom('', '!', '\n'),
    )
    .map(([body, tail]) => `${body}${tail}`.slice(0, MAX_MATCHED_NAME));

/** Matches in a context that is stopped after a second: a catastrophic pattern fails the test instead of hanging it. */
function matchesWithin(pattern: string, name: string, ms: number): boolean {
  return runInNewContext('new RegExp(pattern, "u").test(name)', { pattern, name }, { timeout: ms }) as boolean;
}

describe('Fuzz: config patterns', () => {
  it('refuses the patterns that need backtracking, so none can hang on an alarm name', () => {
    // Prepare: backreferences and lookaround; exponential ones, star height 1 with overlap included; polynomial
    // beyond quadratic; RE2 syntax that JavaScript reads otherwise.
    const refused = [
      '(a)\\1',
      '(?=a)b',
      '(?!a)b',
      '(?<=a)b',
      '(?<!a)b',
      '(a+)+$',
      '(a|a)*$',
      '(a|aa)+$',
      '^(a+)+b',
      '(.*)*x',
      '(x+x+)+y',
      'a.*b.*c',
      '[a-z]+[a-z]+[a-z]+[a-z]+!',
      '\\pL',
      '[[:alpha:]]',
    ];

    // Act
    const results = refused.map((pattern) => ({ pattern, result: safeRegexSchema.safeParse(pattern) }));

    // Assess
    for (const { pattern, result } of results) {
      expect(result.success, pattern).toBe(false);
      expect(result.error?.issues).toHaveLength(1);
    }
  });

  it('says how a refused pattern backtracks and on what name', () => {
    // Act
    const result = safeRegexSchema.safeParse('(a|a)*$');

    // Assess
    expect(result.error?.issues[0]?.message).toMatch(/cannot backtrack catastrophically: it backtracks in exponential/);
  });

  it("accepts the shipped config's patterns and anchored wildcards", () => {
    for (const pattern of ['-unhealthy-hosts$', '-cpu-high$', '-(5xx-rate|latency|composite)$', '^prod-.*-5xx$']) {
      expect(safeRegexSchema.safeParse(pattern).success, pattern).toBe(true);
    }
  });

  it(
    'answers every accepted pattern within a second on any 256-character name, as RE2 does',
    () => {
      fc.assert(
        fc.property(
          patterns
            .filter((pattern) => safeRegexSchema.safeParse(pattern).success)
            .chain((p) => fc.tuple(fc.constant(p), namesFor(p))),
          ([pattern, name]) => {
            // Act
            const answer = matchesWithin(pattern, name, 1000);

            // Assess
            expect(answer).toBe(RE2JS.compile(pattern).test(name));
            expect(matchesPattern(pattern, name)).toBe(answer);
          },
        ),
        { numRuns: fuzzRuns(40) },
      );
    },
    fuzzTimeout(40, 20_000),
  );

  it('refuses to match a name longer than any alarm name', () => {
    expect(() => matchesPattern('-cpu-high$', `${'a'.repeat(MAX_MATCHED_NAME)}-cpu-high`)).toThrow(NameTooLongError);
  });
});
