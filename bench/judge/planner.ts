import type { CanaryJudge, JudgeVerdict, MinuteMetrics } from '#shared/canary/judge.js';

/** The rollout the benchmark drives: the product's defaults unless a run says otherwise. */
export interface Rollout {
  /** Canary percent at each step, ending at 100. */
  steps: readonly number[];
  bakeMinutes: number;
  /** Minutes a step may be held past its bake on inconclusive verdicts before the canary pauses. */
  maxHoldMinutes: number;
}

export interface RolloutPosition {
  /** Index into the steps. */
  step: number;
  stepStartedAt: string;
}

/** One tick of the controller as the benchmark sees it: the minutes so far in, a decision and the next position out. */
export interface TickInput {
  rollout: Rollout;
  position: RolloutPosition;
  now: string;
  canary: readonly MinuteMetrics[];
  stable: readonly MinuteMetrics[];
  judge: CanaryJudge;
}

export type TickDecision = 'hold' | 'promote' | 'complete' | 'roll-back' | 'pause';

export interface TickOutcome {
  decision: TickDecision;
  position: RolloutPosition;
  verdict: JudgeVerdict;
}

/** The one function the benchmark calls to decide: swap in the controller's planner here. */
export type Planner = (input: TickInput) => TickOutcome;

const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

/**
 * STAND-IN SCHEDULE, used until the canary controller's planner is on main: judge every minute; fail rolls back at
 * once; after the bake, pass promotes (the last step completes) and inconclusive holds, pausing past the maximum hold.
 */
export const standInSchedule: Planner = ({ rollout, position, now, canary, stable, judge }) => {
  const verdict = judge.judge({ canary, stable, stepStartedAt: position.stepStartedAt, now });
  if (verdict.outcome === 'fail') return { decision: 'roll-back', position, verdict };
  const baked = minutesBetween(position.stepStartedAt, now);
  if (baked < rollout.bakeMinutes) return { decision: 'hold', position, verdict };
  if (verdict.outcome === 'pass') {
    const step = position.step + 1;
    const decision = step >= rollout.steps.length - 1 ? 'complete' : 'promote';
    return { decision, position: { step, stepStartedAt: now }, verdict };
  }
  const decision = baked >= rollout.bakeMinutes + rollout.maxHoldMinutes ? 'pause' : 'hold';
  return { decision, position, verdict };
};
