/**
 * Every benchmark in one table: `npm run bench`. Bundle size and cold import of each function against its floor
 * (measured here, side by side), then one row per other `bench:*` script of package.json, run in turn with its own
 * defaults (the storm at its small size, 200 events: `npm run bench:storm` runs the full 1,000), with its verdict
 * lines, and the tables of calls per event and of the storm. Exits 1 when any target is missed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleTable, measureBundles } from './bundle.js';

const root = resolve(import.meta.dirname, '..');
const out = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`› ${line}\n`);

// A bundle that cannot be measured is a missed target, and the other benchmarks still run.
const bundles = await measureBundles(progress).then(bundleTable, (error: Error) => ({
  lines: [`the bundles could not be measured: ${error.message.split('\n')[0]}`],
  missed: [`bundle measurement: ${error.message.split('\n')[0]}`],
}));
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
).filter((name) => name.startsWith('bench:') && name !== 'bench:bundle');

// What `npm run bench` sets for a script, to stay within a couple of minutes.
const settings: Record<string, Record<string, string>> = {
  'bench:storm': { STORM_SIZE: 'small' },
  'bench:events': { EVENTS_WARM: '10' },
};
// Scripts whose own table is shown here as well.
const shown = new Set(['bench:events', 'bench:storm']);
const others: { script: string; ok: boolean; verdicts: string[]; table: string[] }[] = [];
for (const script of scripts) {
  progress(`running npm run ${script}…`);
  const run = spawnSync('npm', ['run', '--silent', script], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...settings[script] },
  });
  const lines = run.stdout.split('\n');
  const verdicts = lines.filter((line) => /^- (met|missed)/.test(line));
  others.push({
    script,
    ok: run.status === 0,
    verdicts,
    table: shown.has(script) ? lines.filter((l) => l.startsWith('|')) : [],
  });
}

out(`## Functions against their floor (node ${process.version})`);
out();
for (const line of bundles.lines) out(line);
out();
out('## Other benchmarks');
out();
out('| script | verdict | targets |');
out('|---|---|---|');
for (const { script, ok, verdicts } of others) {
  const met = verdicts.filter((v) => v.startsWith('- met')).length;
  out(
    `| npm run ${script} | ${ok ? 'all targets met' : 'a target missed'} | ${met} met, ${verdicts.length - met} missed |`,
  );
}
out();
for (const { script, table } of others.filter((o) => o.table.length > 0)) {
  out(
    `## npm run ${script}${
      settings[script]
        ? ` (${Object.entries(settings[script] ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')})`
        : ''
    }`,
  );
  out();
  for (const line of table) out(line);
  out();
}
for (const line of bundles.missed) out(`- missed: ${line}`);
for (const { script, verdicts } of others)
  for (const v of verdicts.filter((x) => x.startsWith('- missed'))) out(`${v} (${script})`);
process.exitCode = bundles.missed.length === 0 && others.every((o) => o.ok) ? 0 : 1;
