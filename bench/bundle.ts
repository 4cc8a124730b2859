/**
 * Bundle size and cold-import time of every function, measured side by side in one run:
 * the shipped form (AWS SDK bundled in, minified ESM) against the same code with the SDK left external, resolved from
 * node_modules as it would be from the Lambda runtime's own copy. `npm run bench:bundle`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { manifestFunctions } from '#local/function-manifest.js';

const root = resolve(import.meta.dirname, '..');
const runs = Number.parseInt(process.env.BENCH_RUNS ?? '7', 10);
// The deployed functions, from the manifest serverless.yml includes.
const functions = manifestFunctions().map((fn) => fn.directory);
const out = (line: string) => process.stdout.write(`${line}\n`);

async function bundle(name: string, sdkExternal: boolean): Promise<{ file: string; bytes: number; gzip: number }> {
  const dir = mkdtempSync(join(tmpdir(), `ecs-autopilot-bench-${name}-`));
  const result = await build({
    entryPoints: [join(root, 'functions', name, 'handler.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    write: false,
    external: sdkExternal ? ['@aws-sdk/*', '@smithy/*'] : [],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  // The external form must resolve the SDK from the repository's node_modules, as from the runtime's.
  const file = sdkExternal ? join(root, 'node_modules', `.bench-${name}.mjs`) : join(dir, 'handler.mjs');
  writeFileSync(file, code);
  return { file, bytes: code.byteLength, gzip: gzipSync(code).byteLength };
}

/** Median wall time of importing the bundle in a fresh Node process (what a cold start pays), in ms. */
function coldImportMs(file: string): number {
  const env = {
    ...process.env,
    AUTOPILOT_CONFIG_FILE: join(root, 'ecs-autopilot.yml'),
    ALERT_OUTBOX_URL: 'http://127.0.0.1:1/queue',
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:bench',
    STATE_TABLE_NAME: 'bench-state',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const script = `const t=performance.now(); await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(String(performance.now()-t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
    times.push(Number.parseFloat(child.stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`.padStart(9);
out(`node ${process.version}, ${runs} cold imports per form (median)`);
out('function             bundled    gzip   import | SDK external   import | import ratio bundled/external');
for (const name of functions) {
  const bundled = await bundle(name, false);
  const external = await bundle(name, true);
  const a = coldImportMs(bundled.file);
  const b = coldImportMs(external.file);
  out(
    `${name.padEnd(20)} ${kb(bundled.bytes)} ${kb(bundled.gzip)} ${a.toFixed(0).padStart(6)} ms | ${kb(external.bytes)} ${b.toFixed(0).padStart(6)} ms | ${(a / b).toFixed(2)}`,
  );
}
