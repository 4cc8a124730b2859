import { RE2JS } from 're2js';
import { checkSync } from 'recheck';
import * as z from 'zod';

/** The longest pattern the config takes: patterns are matched against names of at most 256 characters. */
const MAX_PATTERN = 256;

/** The highest polynomial degree of backtracking allowed: a quadratic match on a 256-character name is fast. */
const MAX_DEGREE = 2;

/** Why a pattern could backtrack for too long in JavaScript's engine, as `recheck`'s automaton analysis proves it. */
function backtrackingProblem(pattern: string): string | undefined {
  const result = checkSync(pattern, 'u', { checker: 'automaton', timeout: 10_000 });
  if (result.status === 'safe') return undefined;
  if (result.status === 'unknown') return `its backtracking could not be analysed (${result.error.kind})`;
  const { complexity, attack } = result;
  if (complexity.type === 'polynomial' && complexity.degree <= MAX_DEGREE) return undefined;
  const fix =
    complexity.type === 'exponential'
      ? 'no repetition of a repetition or of alternatives that match the same text'
      : 'anchor it with ^, or fewer repetitions that can match the same text';
  return `it backtracks in ${complexity.summary} time on names such as ${attack.pattern} (${fix})`;
}

/**
 * A regular expression that cannot hang on a name: valid for RE2 (no backreferences or lookaround) and for
 * JavaScript's engine with the `u` flag, which matches it at run time, and proven by `recheck` (an automaton
 * analysis, not a star-height heuristic) to backtrack at worst quadratically. Checked when the config is validated
 * (packaging, the command line), so the functions carry neither RE2 nor the checker.
 */
export const safeRegexSchema = z
  .string()
  .min(1)
  .max(MAX_PATTERN, `a regular expression of at most ${MAX_PATTERN} characters`)
  .superRefine((pattern, ctx) => {
    // The length is refused above; a long pattern is not analysed on top of that (an empty one has nothing to refuse).
    if (pattern.length > MAX_PATTERN) return;
    const refuse = (why: string) => ctx.addIssue({ code: 'custom', message: `a regular expression ${why}` });
    try {
      RE2JS.compile(pattern);
    } catch (error) {
      return refuse(`RE2 accepts (no backreferences or lookaround): ${(error as Error).message}`);
    }
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      return refuse(`JavaScript accepts with the u flag: ${(error as Error).message}`);
    }
    const problem = backtrackingProblem(pattern);
    if (problem) refuse(`that cannot backtrack catastrophically: ${problem}`);
  });
