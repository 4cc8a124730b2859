import type { FileResult, MutantResult, MutantStatus, MutationTestResult } from 'mutation-testing-report-schema/api';

/** One Stryker JSON report read from disk, named by its path under `reports/`. */
export interface NamedReport {
  name: string;
  report: MutationTestResult;
}

/** Every report's mutants of the files whose measured source is the current one, merged mutant by mutant. */
export interface MergedReports {
  /** Per file: its mutants, each with the best status any report gave it. */
  files: Record<string, FileResult>;
  /** Per file: the reports it was measured in. */
  measuredIn: Record<string, string[]>;
  /** Files measured only in reports of an older version of their source: their mutants are left out. */
  stale: Record<string, string[]>;
}

// A mutant killed by any suite is killed: the unit and the integration runs each see only their own tests. A mutant
// one run skipped (`--ignoreStatic`) takes another run's measurement; one disabled in the source is ignored by all.
const rank: Record<MutantStatus, number> = {
  Killed: 7,
  Timeout: 6,
  Survived: 5,
  NoCoverage: 4,
  Ignored: 3,
  RuntimeError: 2,
  CompileError: 1,
  Pending: 0,
};

/** The same mutant in two reports: same mutator, same place, same replacement (ids differ from run to run). */
function mutantKey(mutant: MutantResult): string {
  const { start, end } = mutant.location;
  return `${mutant.mutatorName}@${start.line}:${start.column}-${end?.line}:${end?.column}=${mutant.replacement ?? ''}`;
}

/**
 * Merges the reports file by file, keeping a report's measurement of a file only when the source it measured is the
 * file's current source (`currentSource` answers undefined for a file that no longer exists).
 */
export function mergeReports(
  reports: NamedReport[],
  currentSource: (file: string) => string | undefined,
): MergedReports {
  const mutants = new Map<string, Map<string, MutantResult>>();
  const merged: MergedReports = { files: {}, measuredIn: {}, stale: {} };
  for (const { name, report } of reports) {
    for (const [file, result] of Object.entries(report.files)) {
      const source = currentSource(file);
      if (source === undefined) continue;
      if (result.source !== source) {
        merged.stale[file] = [...(merged.stale[file] ?? []), name];
        continue;
      }
      merged.measuredIn[file] = [...(merged.measuredIn[file] ?? []), name];
      merged.files[file] ??= { language: result.language, source, mutants: [] };
      const byKey = mutants.get(file) ?? new Map<string, MutantResult>();
      mutants.set(file, byKey);
      for (const mutant of result.mutants) {
        const key = mutantKey(mutant);
        const known = byKey.get(key);
        if (known === undefined || rank[mutant.status] > rank[known.status]) byKey.set(key, mutant);
      }
    }
  }
  for (const [file, byKey] of mutants) {
    const result = merged.files[file];
    if (result !== undefined) result.mutants = [...byKey.values()];
  }
  for (const file of Object.keys(merged.files)) delete merged.stale[file];
  return merged;
}

/** A mutant a run skipped because it is static (`--ignoreStatic`): not measured, unlike one marked equivalent. */
export function isStaticSkip(mutant: MutantResult): boolean {
  return mutant.status === 'Ignored' && (mutant.statusReason ?? '').includes('ignoreStatic');
}

/** The directory a file of shared/ is counted under: its first two path segments (`shared/tasks`). */
export function directoryOf(file: string): string {
  return file.split('/').slice(0, 2).join('/');
}
