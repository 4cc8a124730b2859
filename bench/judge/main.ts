/**
 * Decision benchmark of the canary judges: seeded simulated canaries, minute by minute, through the planner, with
 * each judge; prints one side-by-side table and the sequential judge's targets. `npm run bench:judge`
 * (BENCH_RUNS runs per cell, default 2000; BENCH_SEED, default 20261126). Exits 1 when a target is missed.
 */
import type { CanaryJudge } from '#shared/canary/judge.js';
import { MannWhitneyJudge } from '#shared/canary/judges/mann-whitney.js';
import { sequentialJudgeWith } from '#shared/canary/judges/sequential-settings.js';
import { ThresholdChecksJudge } from '#shared/canary/judges/threshold.js';
import { ThresholdJudge } from '#shared/canary/threshold-judge.js';
import { ThresholdJudgeSchema } from '#shared/config/canary-judge.js';
import { canaryPlanner } from './controller.js';
import type { ControllerFactory } from './planner.js';
import { type JudgeColumn, sideBySide, targets } from './report.js';
import { type CellSummary, defaultRollout, runCell } from './run.js';
import { type ScenarioKey, scenarioKeys, scenarios } from './scenarios.js';
import { defaultNoise } from './world.js';

const runs = Number.parseInt(process.env.BENCH_RUNS ?? '2000', 10);
const seed = Number.parseInt(process.env.BENCH_SEED ?? '20261126', 10);
const planner: ControllerFactory = canaryPlanner;
const plannerName = "canary controller's planner (planCanaryTick)";
const out = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`${line}\n`);

function column(title: string, judge: CanaryJudge): JudgeColumn {
  const started = performance.now();
  const cells = {} as Record<ScenarioKey, CellSummary>;
  scenarioKeys.forEach((key, index) => {
    cells[key] = runCell(scenarios[key], index, defaultNoise, judge, planner, runs, seed);
  });
  progress(`  ${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { title, cells };
}

/**
 * The best fixed threshold at ≤ 1 % false rollbacks: for each limit of failed checks given, the lowest per-minute 5xx
 * limit that keeps healthy canaries' rollbacks at or below 1 % (bisection on a grid); of those, the one that catches a
 * 2× regression most often.
 */
function tunedThreshold(checkLimits: readonly number[]): { maxErrorRate: number; failedChecksLimit: number } {
  const rates = [0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5];
  const cell = (key: ScenarioKey, config: { maxErrorRate: number; failedChecksLimit: number }) =>
    runCell(
      scenarios[key],
      scenarioKeys.indexOf(key),
      defaultNoise,
      new ThresholdChecksJudge(config),
      planner,
      runs,
      seed,
    );
  let best = { maxErrorRate: 0.5, failedChecksLimit: 5, catches: -1 };
  for (const failedChecksLimit of checkLimits) {
    let low = 0;
    let high = rates.length - 1;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (cell('healthy', { maxErrorRate: rates[mid] as number, failedChecksLimit }).rolledBack <= 0.01) high = mid;
      else low = mid + 1;
    }
    const maxErrorRate = rates[low] as number;
    const catches = cell('errors2', { maxErrorRate, failedChecksLimit }).rolledBack;
    progress(
      `  ${failedChecksLimit} failed checks of 5xx > ${100 * maxErrorRate} %: catches 2× in ${(100 * catches).toFixed(1)} %`,
    );
    if (catches > best.catches) best = { maxErrorRate, failedChecksLimit, catches };
  }
  return { maxErrorRate: best.maxErrorRate, failedChecksLimit: best.failedChecksLimit };
}

progress(`bench:judge: ${runs} runs per cell, seed ${seed}`);
progress('tuning the threshold to ≤ 1 % false rollbacks…');
const tuned = tunedThreshold([5]);
const bestTuned = tunedThreshold([1, 2, 3, 5, 8, 12, 16, 20]);
const columns = [
  column('sequential (ours)', sequentialJudgeWith()),
  column('threshold, Flagger defaults', new ThresholdChecksJudge()),
  column("controller's threshold judge, defaults", new ThresholdJudge(ThresholdJudgeSchema.parse({}))),
  column(
    `Flagger's form tuned to ≤ 1 % false rollbacks (${tuned.failedChecksLimit} minutes of 5xx > ${100 * tuned.maxErrorRate} %)`,
    new ThresholdChecksJudge(tuned),
  ),
  column(
    `best fixed threshold at ≤ 1 % false rollbacks (${bestTuned.failedChecksLimit} minutes of 5xx > ${100 * bestTuned.maxErrorRate} %)`,
    new ThresholdChecksJudge(bestTuned),
  ),
  column('Mann-Whitney per window (Kayenta, 0.98)', new MannWhitneyJudge()),
];

const r = defaultRollout;
out(
  `${runs} simulated canaries per cell, seed ${seed}; steps ${r.steps.join(', ')} %, ${r.bakeMinutes}-minute bakes, hold up to ${r.maxHoldMinutes} more; 1,000 requests/min, stable 5xx 0.5 %, daily swing, noisy stable, brief blips; judged every minute through the ${plannerName}.`,
);
out();
for (const line of sideBySide(columns)) out(line);
out();
out('Targets for the sequential judge at its defaults:');
const results = targets(columns[0] as JudgeColumn, columns[3] as JudgeColumn);
for (const t of results) out(`- ${t.met ? 'met' : 'MISSED'}: ${t.what} (${t.measured})`);
const best = (columns[4] as JudgeColumn).cells.errors2.rolledBack;
const ours = (columns[0] as JudgeColumn).cells.errors2.rolledBack;
out(
  `- for comparison: 2× 5xx caught ${(ours / Math.max(best, 1e-9)).toFixed(2)}× as often as by the best fixed threshold found`,
);
if (results.some((t) => !t.met)) process.exitCode = 1;
