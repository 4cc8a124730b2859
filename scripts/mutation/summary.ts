/**
 * The mutation scores of every measured file of shared/ and of shared/ as a whole: `npm run test:mutation:summary`.
 * Reads every Stryker JSON report under reports/mutation*\/ (unit and integration runs, one per scope), keeps a
 * file's measurement only while its source is unchanged, and counts a mutant as killed when any run killed it.
 * Lists the files of shared/ that no report measures yet.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { calculateMetrics, type Metrics } from 'mutation-testing-metrics';
import { schema } from 'mutation-testing-report-schema';
import type { FileResult, MutationTestResult } from 'mutation-testing-report-schema/api';
import { directoryOf, isStaticSkip, mergeReports, type NamedReport } from './merge.js';

const root = resolve(import.meta.dirname, '..', '..');
const reportsDir = join(root, 'reports');
const out = (line = '') => process.stdout.write(`${line}\n`);

// Formats (URLs of the framework's branding) play no part in the scores: only the structure is checked.
const isReport = new Ajv({ validateFormats: false, strict: false }).compile<MutationTestResult>(schema);

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsonFiles(path);
    return entry.name.endsWith('.json') ? [path] : [];
  });
}

function readReports(): NamedReport[] {
  if (!existsSync(reportsDir)) return [];
  const dirs = readdirSync(reportsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('mutation'))
    .map((entry) => join(reportsDir, entry.name));
  return dirs.flatMap(jsonFiles).flatMap((path) => {
    const name = relative(reportsDir, path);
    const content: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (isReport(content)) return [{ name, report: content }];
    process.stderr.write(`› skipped ${name}: not a mutation report (${isReport.errors?.[0]?.message ?? 'invalid'})\n`);
    return [];
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const percent = (metrics: Metrics) =>
  Number.isNaN(metrics.mutationScore) ? '–' : `${metrics.mutationScore.toFixed(1)} %`;

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

const merged = mergeReports(readReports(), (file) => {
  const path = join(root, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
});
const sharedFiles = sourceFiles('shared');
const measured = Object.fromEntries(
  Object.entries(merged.files).filter(([file]) => file.startsWith('shared/')),
) as Record<string, FileResult>;

out('| file | mutants | killed | timeout | survived | no coverage | ignored | score | reports |');
out('|---|---|---|---|---|---|---|---|---|');
for (const file of Object.keys(measured).sort()) {
  const { metrics } = calculateMetrics({ [file]: measured[file] as FileResult });
  const reports = merged.measuredIn[file]?.join(', ') ?? '';
  const counts = [metrics.totalValid, metrics.killed, metrics.timeout, metrics.survived, metrics.noCoverage];
  out(row([`\`${file}\``, ...counts, metrics.ignored, percent(metrics), reports]));
}
const staticSkips = (files: Record<string, FileResult>) =>
  Object.values(files).reduce((sum, result) => sum + result.mutants.filter(isStaticSkip).length, 0);
const directories = [...new Set(Object.keys(measured).map(directoryOf))].sort();
out();
out(
  '| directory | files measured | mutants | killed or timed out | survived | no coverage | score | marked equivalent | static, not measured |',
);
out('|---|---|---|---|---|---|---|---|---|');
for (const directory of directories) {
  const files = Object.fromEntries(Object.entries(measured).filter(([file]) => directoryOf(file) === directory));
  const all = sharedFiles.filter((file) => directoryOf(file) === directory).length;
  const { metrics } = calculateMetrics(files);
  const skipped = staticSkips(files);
  const counts = [metrics.totalValid, metrics.totalDetected, metrics.survived, metrics.noCoverage];
  out(
    row([
      `\`${directory}/\``,
      `${Object.keys(files).length} of ${all}`,
      ...counts,
      percent(metrics),
      metrics.ignored - skipped,
      skipped,
    ]),
  );
}
const whole = calculateMetrics(measured).metrics;
const skipped = staticSkips(measured);
out();
out(
  `shared/ as a whole: ${percent(whole)} (${whole.totalDetected} killed or timed out of ${whole.totalValid} valid ` +
    `mutants; ${whole.ignored - skipped} marked equivalent and ${skipped} static ones a run skipped are left out) ` +
    `over ${Object.keys(measured).length} of ${sharedFiles.length} files`,
);
const stale = Object.keys(merged.stale).filter((file) => file.startsWith('shared/'));
if (stale.length > 0) {
  out(`Measured on an older source only (re-run them): ${stale.sort().join(', ')}`);
}
const unmeasured = sharedFiles.filter((file) => !(file in measured) && !(file in merged.stale));
out(
  unmeasured.length === 0
    ? 'Every file of shared/ is measured.'
    : `No measurement yet (${unmeasured.length} files): ${unmeasured.join(', ')}`,
);
