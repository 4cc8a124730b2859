/**
 * The canary judges' settings, written once as plain data: the config's schema (zod, at packaging) and the deployment
 * hook's (valibot, at run time, from `hookDetails`) are both built from these, so the two cannot disagree.
 */

/** One numeric setting: its bounds, its default (none: it may be left out) and what it means. */
export interface JudgeSetting {
  readonly description: string;
  readonly integer?: true;
  /** Exclusive lower bound. */
  readonly above?: number;
  readonly atLeast?: number;
  readonly atMost?: number;
  readonly default?: number;
}

/** The threshold judge's settings: canary against stable over the bake window, absolute and relative limits. */
export const thresholdSettings = {
  minRequests: {
    integer: true,
    atLeast: 1,
    default: 100,
    description: 'Canary requests needed in the bake window before any verdict; fewer means hold.',
  },
  maxErrorRate: {
    atLeast: 0,
    atMost: 1,
    default: 0.01,
    description: 'A canary 5xx rate above this fails, whatever stable does (0.01 = 1 %).',
  },
  maxErrorRateIncrease: {
    atLeast: 0,
    atMost: 1,
    default: 0.005,
    description: 'A canary 5xx rate more than this above stable’s fails (absolute, 0.005 = 0.5 points).',
  },
  maxLatencyRatio: {
    atLeast: 1,
    default: 1.5,
    description: 'A canary mean response time more than this times stable’s fails.',
  },
  maxLatencySeconds: {
    above: 0,
    description: 'A canary mean response time above this fails, whatever stable does.',
  },
} as const satisfies Record<string, JudgeSetting>;

/** Settings of the sequential judge; every default is what `npm run bench:judge` measures. */
export const sequentialSettings = {
  alpha: {
    above: 0,
    atMost: 0.2,
    default: 0.01,
    description: 'Bound on the chance of rolling back a canary no worse than tolerated, however often it is judged.',
  },
  errorRateTolerance: {
    atLeast: 0,
    atMost: 4,
    default: 0.1,
    description: 'A canary 5xx rate up to (1 + this) × stable’s is not a failure (0.1: 10 % worse is tolerated).',
  },
  latencyTolerance: {
    atLeast: 0,
    atMost: 4,
    default: 0.2,
    description: 'A canary minute counts as slower when its mean response time exceeds (1 + this) × stable’s.',
  },
  minCanaryRequests: {
    integer: true,
    atLeast: 1,
    default: 250,
    description: 'Canary requests needed in the current step before it may pass; fewer means hold.',
  },
  minStableRequests: {
    integer: true,
    atLeast: 1,
    default: 250,
    description: 'Stable requests needed in the current step before it may pass; fewer means hold.',
  },
  holdAbove: {
    atLeast: 1,
    default: 10,
    description: 'Evidence (Bayes factor) at which a canary that would pass is held to gather more instead.',
  },
} as const satisfies Record<string, JudgeSetting>;

type Defaulted<S> = { [K in keyof S]: S[K] extends { default: number } ? K : never }[keyof S];

/** Settings as validated: every setting with a default is there, the others may be left out. */
export type Completed<S> = { -readonly [K in Defaulted<S>]: number } & {
  -readonly [K in Exclude<keyof S, Defaulted<S>>]?: number;
};

export type ThresholdJudgeConfig = Completed<typeof thresholdSettings>;
export type SequentialJudgeConfig = Completed<typeof sequentialSettings>;
export type CanaryJudgeConfig =
  | ({ kind: 'sequential' } & SequentialJudgeConfig)
  | ({ kind: 'threshold' } & ThresholdJudgeConfig);

/** The sequential judge holds only below the evidence at which it fails. */
export const holdBelowFail = (c: { holdAbove: number; alpha: number }) => c.holdAbove < 1 / c.alpha;
export const holdBelowFailIssue = { message: 'holdAbove must be below 1/alpha', path: ['holdAbove'] };
