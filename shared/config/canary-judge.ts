import * as z from 'zod';

/** The threshold judge's settings: canary against stable over the bake window, absolute and relative limits. */
const thresholdFields = {
  minRequests: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('Canary requests needed in the bake window before any verdict; fewer means hold.'),
  maxErrorRate: z
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe('A canary 5xx rate above this fails, whatever stable does (0.01 = 1 %).'),
  maxErrorRateIncrease: z
    .number()
    .min(0)
    .max(1)
    .default(0.005)
    .describe('A canary 5xx rate more than this above stable’s fails (absolute, 0.005 = 0.5 points).'),
  maxLatencyRatio: z
    .number()
    .min(1)
    .default(1.5)
    .describe('A canary mean response time more than this times stable’s fails.'),
  maxLatencySeconds: z
    .number()
    .positive()
    .optional()
    .describe('A canary mean response time above this fails, whatever stable does.'),
};

export const ThresholdJudgeSchema = z.object(thresholdFields).strict();

/** Settings of the sequential judge; every default is what `npm run bench:judge` measures. */
const sequentialFields = {
  alpha: z
    .number()
    .gt(0)
    .max(0.2)
    .default(0.01)
    .describe('Bound on the chance of rolling back a canary no worse than tolerated, however often it is judged.'),
  errorRateTolerance: z
    .number()
    .min(0)
    .max(4)
    .default(0.1)
    .describe('A canary 5xx rate up to (1 + this) × stable’s is not a failure (0.1: 10 % worse is tolerated).'),
  latencyTolerance: z
    .number()
    .min(0)
    .max(4)
    .default(0.2)
    .describe('A canary minute counts as slower when its mean response time exceeds (1 + this) × stable’s.'),
  minCanaryRequests: z
    .number()
    .int()
    .min(1)
    .default(250)
    .describe('Canary requests needed in the current step before it may pass; fewer means hold.'),
  minStableRequests: z
    .number()
    .int()
    .min(1)
    .default(250)
    .describe('Stable requests needed in the current step before it may pass; fewer means hold.'),
  holdAbove: z
    .number()
    .min(1)
    .default(10)
    .describe('Evidence (Bayes factor) at which a canary that would pass is held to gather more instead.'),
};

const holdBelowFail = (c: { holdAbove: number; alpha: number }) => c.holdAbove < 1 / c.alpha;
const holdBelowFailIssue = { message: 'holdAbove must be below 1/alpha', path: ['holdAbove'] };

export const SequentialJudgeSchema = z.object(sequentialFields).strict().refine(holdBelowFail, holdBelowFailIssue);

/**
 * The judge a canary uses: `kind: sequential` (the default, also when only its settings are given) or
 * `kind: threshold`; settings of the threshold judge without a kind are read as a threshold judge.
 */
export const CanaryJudgeSchema = z.union([
  z
    .object({ kind: z.literal('sequential').default('sequential'), ...sequentialFields })
    .strict()
    .refine(holdBelowFail, holdBelowFailIssue),
  z.object({ kind: z.literal('threshold').default('threshold'), ...thresholdFields }).strict(),
]);

export type ThresholdJudgeConfig = z.output<typeof ThresholdJudgeSchema>;
export type SequentialJudgeConfig = z.output<typeof SequentialJudgeSchema>;
export type CanaryJudgeConfig = z.output<typeof CanaryJudgeSchema>;
