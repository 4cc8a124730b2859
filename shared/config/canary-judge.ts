import * as z from '../validation/runtime-schema.js';

// zod/mini, not the classic API: the judges and the deployment hook read these settings at run time too.
const num = (...checks: Parameters<ReturnType<typeof z.number>['check']>) => z.number().check(...checks);
const int = (...checks: Parameters<ReturnType<typeof z.int>['check']>) => z.int().check(...checks);

/** The threshold judge's settings: canary against stable over the bake window, absolute and relative limits. */
const thresholdFields = {
  minRequests: z._default(
    int(z.gte(1), z.describe('Canary requests needed in the bake window before any verdict; fewer means hold.')),
    100,
  ),
  maxErrorRate: z._default(
    num(z.gte(0), z.lte(1), z.describe('A canary 5xx rate above this fails, whatever stable does (0.01 = 1 %).')),
    0.01,
  ),
  maxErrorRateIncrease: z._default(
    num(
      z.gte(0),
      z.lte(1),
      z.describe('A canary 5xx rate more than this above stable’s fails (absolute, 0.005 = 0.5 points).'),
    ),
    0.005,
  ),
  maxLatencyRatio: z._default(
    num(z.gte(1), z.describe('A canary mean response time more than this times stable’s fails.')),
    1.5,
  ),
  maxLatencySeconds: z.optional(
    num(z.positive(), z.describe('A canary mean response time above this fails, whatever stable does.')),
  ),
};

export const ThresholdJudgeSchema = z.strictObject(thresholdFields);

/** Settings of the sequential judge; every default is what `npm run bench:judge` measures. */
const sequentialFields = {
  alpha: z._default(
    num(
      z.gt(0),
      z.lte(0.2),
      z.describe('Bound on the chance of rolling back a canary no worse than tolerated, however often it is judged.'),
    ),
    0.01,
  ),
  errorRateTolerance: z._default(
    num(
      z.gte(0),
      z.lte(4),
      z.describe('A canary 5xx rate up to (1 + this) × stable’s is not a failure (0.1: 10 % worse is tolerated).'),
    ),
    0.1,
  ),
  latencyTolerance: z._default(
    num(
      z.gte(0),
      z.lte(4),
      z.describe('A canary minute counts as slower when its mean response time exceeds (1 + this) × stable’s.'),
    ),
    0.2,
  ),
  minCanaryRequests: z._default(
    int(z.gte(1), z.describe('Canary requests needed in the current step before it may pass; fewer means hold.')),
    250,
  ),
  minStableRequests: z._default(
    int(z.gte(1), z.describe('Stable requests needed in the current step before it may pass; fewer means hold.')),
    250,
  ),
  holdAbove: z._default(
    num(
      z.gte(1),
      z.describe('Evidence (Bayes factor) at which a canary that would pass is held to gather more instead.'),
    ),
    10,
  ),
};

const holdBelowFail = (c: { holdAbove: number; alpha: number }) => c.holdAbove < 1 / c.alpha;
const holdBelowFailIssue = { message: 'holdAbove must be below 1/alpha', path: ['holdAbove'] };

export const SequentialJudgeSchema = z
  .strictObject(sequentialFields)
  .check(z.refine(holdBelowFail, holdBelowFailIssue));

/**
 * The judge a canary uses: `kind: sequential` (the default, also when only its settings are given) or
 * `kind: threshold`; settings of the threshold judge without a kind are read as a threshold judge.
 */
export const CanaryJudgeSchema = z.union([
  z
    .strictObject({ kind: z._default(z.literal('sequential'), 'sequential'), ...sequentialFields })
    .check(z.refine(holdBelowFail, holdBelowFailIssue)),
  z.strictObject({ kind: z._default(z.literal('threshold'), 'threshold'), ...thresholdFields }),
]);

export type ThresholdJudgeConfig = z.output<typeof ThresholdJudgeSchema>;
export type SequentialJudgeConfig = z.output<typeof SequentialJudgeSchema>;
export type CanaryJudgeConfig = z.output<typeof CanaryJudgeSchema>;
