/**
 * Bundle size and cold-import time of every function against its floor, measured side by side in one run. A
 * function is built with its own esbuild options (deploy/esbuild.yml, plugins included); its floor is a
 * bare bundle of the same AWS SDK clients and commands, built with the same options. What is ours on top of the floor
 * must stay small. `npm run bench:bundle`; `BENCH_RUNS` sets the fresh processes per form (default 11); `BENCH_ONLY`
 * (function directories, comma-separated) measures those alone;
 * `npm run bench:bundle -- --breakdown` adds what each function holds beyond its floor, per package.
 */
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { manifestFunctions } from '#local/function-manifest.js';
import {
  type BuiltBundle,
  bundleTargets,
  bytesByOrigin,
  coldImportMs,
  esbuildOptions,
  packagingOnlyIn,
  sdkSurface,
  writeBundle,
} from './floor.js';

const root = resolve(import.meta.dirname, '..');
const runs = Math.max(10, Number.parseInt(process.env.BENCH_RUNS ?? '11', 10));
const out = (line = '') => process.stdout.write(`${line}\n`);

/** One function's row: its bundle and its floor, built and imported in the same run. */
export interface BundleRow {
  name: string;
  bundled: BuiltBundle;
  floor: BuiltBundle;
  bundledMs: number;
  floorMs: number;
  /**
   * The ratios of each alternated pair (function, then floor): their median is what the target is judged on, since
   * both halves of a pair ran under the same load; their quartiles say how much the machine's load moved them.
   */
  pairedRatios: { low: number; median: number; high: number };
  /** SDK clients bundled that the function's role grants no action of. */
  unusedClients: string[];
  /** Code only packaging needs (config validation) that the bundle carries anyway. */
  packagingOnly: string[];
  /** What the bundle holds beyond its floor, per package or folder of ours, largest first (minified bytes). */
  overFloorByOrigin: [origin: string, bytes: number][];
}

async function measure(directory: string): Promise<BundleRow> {
  const options = await esbuildOptions();
  const result = await build({
    ...options,
    entryPoints: [join(root, 'functions', directory, 'handler.ts')],
    write: false,
    metafile: true,
  });
  const surface = sdkSurface(result.metafile);
  const floorResult = await build({
    ...options,
    plugins: [],
    stdin: { contents: surface.floorSource, resolveDir: root, loader: 'js' },
    write: false,
    metafile: true,
  });
  const floorOrigins = bytesByOrigin(floorResult.metafile);
  const bundled = writeBundle(`${directory}-bundled`, result.outputFiles[0]?.contents);
  const floor = writeBundle(`${directory}-floor`, floorResult.outputFiles[0]?.contents);
  // Alternate the two forms, so that a busy moment of the machine weighs on both alike.
  const bundledTimes: number[] = [];
  const floorTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    bundledTimes.push(coldImportMs(bundled.file));
    floorTimes.push(coldImportMs(floor.file));
  }
  const median = (xs: number[]) => quantile(xs, 0.5);
  const pairedRatios = bundledTimes.map((ms, i) => ms / (floorTimes[i] ?? Number.NaN));
  return {
    name: directory,
    bundled,
    floor,
    bundledMs: median(bundledTimes),
    floorMs: median(floorTimes),
    pairedRatios: {
      low: quantile(pairedRatios, 0.25),
      median: median(pairedRatios),
      high: quantile(pairedRatios, 0.75),
    },
    unusedClients: surface.clients
      .filter((c) => !surface.grantedServices(directory).has(c.iamPrefix))
      .map((c) => c.pkg),
    packagingOnly: packagingOnlyIn(result.metafile),
    overFloorByOrigin: [...bytesByOrigin(result.metafile)]
      .map(([origin, bytes]): [string, number] => [origin, bytes - (floorOrigins.get(origin) ?? 0)])
      .filter(([, bytes]) => bytes >= 512)
      .sort((a, b) => b[1] - a[1]),
  };
}

/**
 * The q-quantile of a sample, interpolated between the two nearest values (so the median of an even count is the mean
 * of its middle two, not the lower one, which would flatter every ratio). Pure.
 */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const below = sorted[Math.floor(at)] as number;
  const above = sorted[Math.ceil(at)] as number;
  return below + (above - below) * (at - Math.floor(at));
}

/** Every function's row, measured now. */
export async function measureBundles(onProgress: (line: string) => void = () => {}): Promise<BundleRow[]> {
  const rows: BundleRow[] = [];
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  const functions = manifestFunctions().filter((fn) => !only || only.includes(fn.directory));
  if (functions.length === 0)
    throw new Error(
      `BENCH_ONLY=${process.env.BENCH_ONLY} names no function; the functions are ${manifestFunctions()
        .map((fn) => fn.directory)
        .join(', ')}`,
    );
  for (const fn of functions) {
    onProgress(`bundling ${fn.directory} and its floor, ${runs} cold imports each…`);
    rows.push(await measure(fn.directory));
  }
  return rows;
}

/**
 * What a function holds beyond its floor, split into npm packages (`valibot`, `@scope/name`) and our own folders
 * (`shared/tasks`): origins of 0.5 KiB and more, as the breakdown lists them.
 */
export function overFloorSplit(row: Pick<BundleRow, 'overFloorByOrigin'>): { ours: number; libraries: number } {
  let ours = 0;
  let libraries = 0;
  for (const [origin, bytes] of row.overFloorByOrigin) {
    if (origin.startsWith('@') || !origin.includes('/')) libraries += bytes;
    else ours += bytes;
  }
  return { ours, libraries };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

/** The table, one line a function, and whether each target holds. */
export function bundleTable(rows: BundleRow[]): { lines: string[]; missed: string[] } {
  const lines = [
    `| function | bundle | floor (its SDK clients) | over the floor | gzip | cold import | floor import | ratio of medians | paired ratio, median (quartiles) |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const missed: string[] = [];
  for (const row of rows) {
    const over = row.bundled.bytes - row.floor.bytes;
    const ratio = row.bundledMs / row.floorMs;
    const paired = row.pairedRatios;
    lines.push(
      `| ${row.name} | ${kib(row.bundled.bytes)} | ${kib(row.floor.bytes)} | ${over >= 0 ? '+' : ''}${kib(over)} | ${kib(gzipSync(row.bundled.code).byteLength)} | ${row.bundledMs.toFixed(0)} ms | ${row.floorMs.toFixed(0)} ms | ${ratio.toFixed(2)}× | ${paired.median.toFixed(2)}× (${paired.low.toFixed(2)}–${paired.high.toFixed(2)}×) |`,
    );
    if (over > bundleTargets.overFloorBytes) missed.push(`${row.name}: ${kib(over)} over the floor (target 50 KiB)`);
    // Judged pair by pair: a ratio of two medians taken apart moves with whichever form a busy moment happened to hit.
    if (paired.median > bundleTargets.importRatio)
      missed.push(
        `${row.name}: cold import ${paired.median.toFixed(2)}× the floor, median of paired runs (target 1.2×)`,
      );
    for (const pkg of row.unusedClients) missed.push(`${row.name}: bundles ${pkg}, whose service its role never calls`);
    for (const code of row.packagingOnly) missed.push(`${row.name}: bundles ${code}, which only packaging needs`);
  }
  return { lines, missed };
}

if (import.meta.main) {
  out(
    `node ${process.version}, ${runs} fresh processes per form, functions and floors alternated; cold import judged on the median of the paired ratios`,
  );
  const rows = await measureBundles((line) => process.stderr.write(`› ${line}\n`)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  });
  const { lines, missed } = bundleTable(rows);
  for (const line of lines) out(line);
  if (process.argv.includes('--breakdown')) {
    out();
    out('Over the floor, by package or folder (KiB of minified output, 0.5 KiB and more):');
    for (const row of rows) {
      const { ours, libraries } = overFloorSplit(row);
      out(
        `- ${row.name} (ours ${(ours / 1024).toFixed(1)}, libraries ${(libraries / 1024).toFixed(1)}): ${row.overFloorByOrigin.map(([o, b]) => `${o} ${(b / 1024).toFixed(1)}`).join(', ')}`,
      );
    }
  }
  out();
  for (const line of missed) out(`- missed: ${line}`);
  if (missed.length === 0)
    out('- met: every function within 50 KiB and 1.2× of its floor, no client it never calls, no packaging-only code');
  process.exitCode = missed.length === 0 ? 0 : 1;
}
