import type { CanaryJudge, MinuteMetrics } from '#shared/canary/judge.js';

/** The rollout the benchmark drives: the product's defaults unless a run says otherwise. */
export interface Rollout {
  /** Canary percent at each step, ending at 100. */
  steps: readonly number[];
  bakeMinutes: number;
  /** Minutes a step may be held past its bake on inconclusive verdicts before the canary pauses. */
  maxHoldMinutes: number;
}

/** What ends a simulated canary, or 'continue'. */
export type TickResult = 'continue' | 'roll-back' | 'complete' | 'pause';

/** One canary under a controller, driven minute by minute by the benchmark. */
export interface SimulatedController {
  /** The canary's share of the traffic now, in percent: what its weights are. */
  canaryPercent(): number;
  /** The 1-based step the canary is at. */
  step(): number;
  /** One tick at `now` with every minute so far. */
  tick(now: string, canary: readonly MinuteMetrics[], stable: readonly MinuteMetrics[]): TickResult;
}

/** Starts a controller for one canary at `startedAt`: the one function to swap for the controller's planner. */
export type ControllerFactory = (judge: CanaryJudge, rollout: Rollout, startedAt: string) => SimulatedController;

const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

/**
 * STAND-IN SCHEDULE, used until the canary controller's planner is on main: judge every minute; fail rolls back at
 * once; after the bake, pass promotes (into the last step completes) and inconclusive holds, pausing past the
 * maximum hold.
 */
export const standInSchedule: ControllerFactory = (judge, rollout, startedAt) => {
  let step = 0;
  let stepStartedAt = startedAt;
  return {
    canaryPercent: () => rollout.steps[step] as number,
    step: () => step + 1,
    tick(now, canary, stable) {
      const verdict = judge.judge({ canary, stable, stepStartedAt, now });
      if (verdict.outcome === 'fail') return 'roll-back';
      const baked = minutesBetween(stepStartedAt, now);
      if (baked < rollout.bakeMinutes) return 'continue';
      if (verdict.outcome === 'pass') {
        if (step + 1 >= rollout.steps.length - 1) return 'complete';
        step += 1;
        stepStartedAt = now;
        return 'continue';
      }
      return baked >= rollout.bakeMinutes + rollout.maxHoldMinutes ? 'pause' : 'continue';
    },
  };
};
