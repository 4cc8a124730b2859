import type { MutantResult, MutationTestResult } from 'mutation-testing-report-schema/api';
import { describe, expect, it } from 'vitest';
import { directoryOf, isStaticSkip, mergeReports } from '#scripts/mutation/merge.js';

const SOURCE = 'export const limit = (n: number) => n > 3;\n';

function mutant(id: string, status: MutantResult['status'], replacement = 'n >= 3'): MutantResult {
  const location = { start: { line: 1, column: 37 }, end: { line: 1, column: 42 } };
  return { id, mutatorName: 'EqualityOperator', replacement, status, location };
}

function report(source: string, mutants: MutantResult[]): MutationTestResult {
  return {
    schemaVersion: '1.0',
    thresholds: { high: 90, low: 80 },
    files: { 'shared/limit.ts': { language: 'typescript', source, mutants } },
  };
}

describe('Mutation summary: merging reports', () => {
  it('counts a mutant killed by either suite as killed, matching it by place and replacement, not by id', () => {
    // Prepare
    const unit = { name: 'mutation/unit.json', report: report(SOURCE, [mutant('1', 'NoCoverage')]) };
    const integration = { name: 'mutation-integration/x.json', report: report(SOURCE, [mutant('7', 'Killed')]) };

    // Act
    const merged = mergeReports([unit, integration], () => SOURCE);

    // Assess
    expect(merged.files['shared/limit.ts']?.mutants.map((m) => m.status)).toEqual(['Killed']);
    expect(merged.measuredIn['shared/limit.ts']).toEqual(['mutation/unit.json', 'mutation-integration/x.json']);
  });

  it('keeps a survivor when no report killed it, and different replacements at one place apart', () => {
    // Prepare
    const one = { name: 'a.json', report: report(SOURCE, [mutant('1', 'Survived'), mutant('2', 'Killed', 'n < 3')]) };
    const other = { name: 'b.json', report: report(SOURCE, [mutant('1', 'NoCoverage')]) };

    // Act
    const merged = mergeReports([one, other], () => SOURCE);

    // Assess
    const statuses = merged.files['shared/limit.ts']?.mutants.map((m) => `${m.replacement} ${m.status}`);
    expect(statuses).toEqual(['n >= 3 Survived', 'n < 3 Killed']);
  });

  it('takes a measured survivor over the same mutant skipped as static in another run', () => {
    // Prepare
    const skipped = { name: 'unit.json', report: report(SOURCE, [mutant('1', 'Ignored')]) };
    const measured = { name: 'schemas.json', report: report(SOURCE, [mutant('4', 'Survived')]) };

    // Act
    const merged = mergeReports([measured, skipped], () => SOURCE);

    // Assess
    expect(merged.files['shared/limit.ts']?.mutants.map((m) => m.status)).toEqual(['Survived']);
  });

  it('leaves out a measurement of an older source and names the file stale until a current one exists', () => {
    // Prepare
    const old = { name: 'old.json', report: report('export const limit = 3;\n', [mutant('1', 'Survived')]) };
    const current = { name: 'new.json', report: report(SOURCE, [mutant('1', 'Killed')]) };

    // Act
    const onlyOld = mergeReports([old], () => SOURCE);
    const both = mergeReports([old, current], () => SOURCE);

    // Assess
    expect(onlyOld.files).toEqual({});
    expect(onlyOld.stale).toEqual({ 'shared/limit.ts': ['old.json'] });
    expect(both.stale).toEqual({});
    expect(both.files['shared/limit.ts']?.mutants).toHaveLength(1);
  });

  it('skips a file that no longer exists', () => {
    // Act
    const merged = mergeReports([{ name: 'a.json', report: report(SOURCE, [mutant('1', 'Killed')]) }], () => undefined);

    // Assess
    expect(merged).toEqual({ files: {}, measuredIn: {}, stale: {} });
  });

  it('tells a mutant skipped as static from one marked equivalent, and counts files under their directory', () => {
    // Prepare
    const skipped = { ...mutant('1', 'Ignored'), statusReason: 'Static mutant (and "ignoreStatic" was enabled)' };
    const marked = { ...mutant('2', 'Ignored'), statusReason: 'the cache only saves a compile' };

    // Act
    const verdicts = [skipped, marked, mutant('3', 'Survived')].map(isStaticSkip);

    // Assess
    expect(verdicts).toEqual([true, false, false]);
    expect(directoryOf('shared/tasks/crash-loop/plan.ts')).toBe('shared/tasks');
    expect(directoryOf('shared/errors.ts')).toBe('shared/errors.ts');
  });
});
