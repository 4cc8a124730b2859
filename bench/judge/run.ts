import type { CanaryJudge, MinuteMetrics } from '#shared/canary/judge.js';
import type { ControllerFactory, Rollout } from './planner.js';
import { type Noise, type Scenario, SimulatedService } from './world.js';

export const defaultRollout: Rollout = { steps: [5, 10, 25, 50, 100], bakeMinutes: 10, maxHoldMinutes: 30 };

/** How one simulated canary ended: rolled back, completed (weight 100 %), or paused on a hold that lasted too long. */
export interface RunOutcome {
  result: 'rolled-back' | 'completed' | 'paused';
  /** Minutes from the canary's start to the decision. */
  minutes: number;
  /** The 1-based step the canary was at when decided. */
  step: number;
}

const START = Date.parse('2026-01-05T00:00:00.000Z');
const isoCache: string[] = [];
const isoAt = (minute: number): string => {
  for (let i = isoCache.length; i <= minute; i += 1) isoCache.push(new Date(START + i * 60_000).toISOString());
  return isoCache[minute] as string;
};

/** One canary from start to decision, minute by minute, under the controller `controllerFor` starts with `judge`. */
export function runCanary(
  scenario: Scenario,
  noise: Noise,
  seed: number,
  judge: CanaryJudge,
  controllerFor: ControllerFactory,
  rollout: Rollout = defaultRollout,
): RunOutcome {
  const service = new SimulatedService(scenario, noise, seed);
  const controller = controllerFor(judge, rollout, isoAt(0));
  const canary: MinuteMetrics[] = [];
  const stable: MinuteMetrics[] = [];
  const limit = rollout.steps.length * (rollout.bakeMinutes + rollout.maxHoldMinutes + 2);
  for (let minute = 0; minute < limit; minute += 1) {
    const sides = service.next(minute, isoAt(minute), controller.canaryPercent());
    canary.push(sides.canary);
    stable.push(sides.stable);
    const step = controller.step();
    const result = controller.tick(isoAt(minute + 1), canary, stable);
    const decided = { minutes: minute + 1, step };
    if (result === 'roll-back') return { result: 'rolled-back', ...decided };
    if (result === 'pause') return { result: 'paused', ...decided };
    if (result === 'complete') return { result: 'completed', ...decided };
  }
  // A canary still held when the run ends was never promoted: it counts as paused.
  return { result: 'paused', minutes: limit, step: controller.step() };
}

/** A run's seed from the benchmark's seed, the scenario and the run: the same worlds for every judge. */
export function runSeed(seed: number, scenario: number, run: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(scenario + 1, 0xc2b2ae35) + run * 0x27d4eb2f) | 0;
}

export interface CellSummary {
  runs: number;
  rolledBack: number;
  completed: number;
  paused: number;
  /** Median minutes and 1-based step at the decision that ends most runs of the cell (rollback or completion). */
  medianMinutesToRollback?: number;
  medianStepOfRollback?: number;
  medianMinutesToComplete?: number;
}

const median = (xs: number[]): number | undefined => {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/** Runs `runs` canaries of one scenario with one judge and summarizes how they ended. */
export function runCell(
  scenario: Scenario,
  scenarioIndex: number,
  noise: Noise,
  judge: CanaryJudge,
  controllerFor: ControllerFactory,
  runs: number,
  seed: number,
  rollout: Rollout = defaultRollout,
): CellSummary {
  const outcomes: RunOutcome[] = [];
  for (let run = 0; run < runs; run += 1) {
    outcomes.push(runCanary(scenario, noise, runSeed(seed, scenarioIndex, run), judge, controllerFor, rollout));
  }
  const of = (result: RunOutcome['result']) => outcomes.filter((o) => o.result === result);
  const rolledBack = of('rolled-back');
  const completed = of('completed');
  const summary: CellSummary = {
    runs,
    rolledBack: rolledBack.length / runs,
    completed: completed.length / runs,
    paused: of('paused').length / runs,
  };
  const toRollback = median(rolledBack.map((o) => o.minutes));
  const stepOfRollback = median(rolledBack.map((o) => o.step));
  const toComplete = median(completed.map((o) => o.minutes));
  if (toRollback !== undefined) summary.medianMinutesToRollback = toRollback;
  if (stepOfRollback !== undefined) summary.medianStepOfRollback = stepOfRollback;
  if (toComplete !== undefined) summary.medianMinutesToComplete = toComplete;
  return summary;
}
