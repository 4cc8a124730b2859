import type { CellSummary } from './run.js';
import type { ScenarioKey } from './scenarios.js';

/** One judge's column: its title and its summary per scenario. */
export interface JudgeColumn {
  title: string;
  cells: Record<ScenarioKey, CellSummary>;
}

const pct = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.01 ? 2 : 1)} %`;

const rollback = (c: CellSummary) =>
  c.medianMinutesToRollback === undefined
    ? pct(c.rolledBack)
    : `${pct(c.rolledBack)} · ${c.medianMinutesToRollback} min, step ${c.medianStepOfRollback}`;

const promoted = (c: CellSummary) =>
  c.medianMinutesToComplete === undefined ? pct(c.completed) : `${pct(c.completed)} · ${c.medianMinutesToComplete} min`;

/** The side-by-side table, in Markdown so the README can carry it as printed. */
export function sideBySide(columns: readonly JudgeColumn[]): string[] {
  const rows: [string, (c: Record<ScenarioKey, CellSummary>) => string][] = [
    ['healthy: false rollbacks', (c) => pct(c.healthy.rolledBack)],
    ['healthy: completed · median minutes', (c) => promoted(c.healthy)],
    ['healthy: paused after the longest hold', (c) => pct(c.healthy.paused)],
    ['thin traffic (40/min): held, never promoted', (c) => pct(c.thin.paused)],
    ['thin traffic: rolled back', (c) => pct(c.thin.rolledBack)],
    ['1.5× 5xx: rolled back before 100 % · median', (c) => rollback(c.errors15)],
    ['2× 5xx: rolled back before 100 % · median', (c) => rollback(c.errors2)],
    ['3× 5xx: rolled back before 100 % · median', (c) => rollback(c.errors3)],
    ['+50 % response time: rolled back · median', (c) => rollback(c.latency)],
  ];
  const header = `| | ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  return [
    header,
    rule,
    ...rows.map(([label, cell]) => `| ${label} | ${columns.map((c) => cell(c.cells)).join(' | ')} |`),
  ];
}

export interface Target {
  what: string;
  measured: string;
  met: boolean;
}

/** The product's targets for the sequential judge at its defaults, each with what was measured. */
export function targets(ours: JudgeColumn, tunedThreshold: JudgeColumn): Target[] {
  const c = ours.cells;
  const catches2x = tunedThreshold.cells.errors2.rolledBack;
  return [
    {
      what: 'false rollbacks of healthy canaries ≤ 1 %',
      measured: pct(c.healthy.rolledBack),
      met: c.healthy.rolledBack <= 0.01,
    },
    {
      what: '3× 5xx rolled back before 100 % in ≥ 99.5 % of runs',
      measured: pct(c.errors3.rolledBack),
      met: c.errors3.rolledBack >= 0.995,
    },
    {
      what: '3× 5xx: median decision in the first or second step',
      measured: `step ${c.errors3.medianStepOfRollback ?? '-'}`,
      met: (c.errors3.medianStepOfRollback ?? 99) <= 2,
    },
    {
      what: '2× 5xx rolled back before 100 % in ≥ 70 % of runs',
      measured: pct(c.errors2.rolledBack),
      met: c.errors2.rolledBack >= 0.7,
    },
    { what: 'thin traffic held ≥ 99 % of the time', measured: pct(c.thin.paused), met: c.thin.paused >= 0.99 },
    {
      what: '2× 5xx caught at least twice as often as Flagger’s form tuned to ≤ 1 % false rollbacks',
      measured: `${pct(c.errors2.rolledBack)} vs ${pct(catches2x)}`,
      met: c.errors2.rolledBack >= 2 * catches2x,
    },
  ];
}
