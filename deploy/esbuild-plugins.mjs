/**
 * esbuild plugins of the packaged functions (deploy/esbuild.yml `plugins`, and `npm run bench:bundle`).
 * packagedConfig: the functions' config module becomes the shipped ecs-autopilot.yml, parsed and validated here with
 * the same loader the tests and the command line use, so an invalid config fails packaging and the functions carry
 * neither the YAML parser nor the config schema. One source: the YAML file.
 * englishZodMessages: zod's `locales` namespace (every language's messages, 258 KiB) becomes English alone, the one
 * zod configures by default and the one our errors are written in; a namespace import such as Powertools' `{ z }`
 * would otherwise keep every language.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repoRoot = resolve(import.meta.dirname, '..');
const configModule = /[\\/]shared[\\/]config[\\/]function-config\.ts$/;

/**
 * Loads the config with the repository's own loader, bundled on the fly (it is TypeScript) into a file beside the
 * dependencies, so that `recheck`, left out of the bundle, loads its own worker and engine from node_modules.
 */
async function loadShippedConfig(file) {
  const outfile = join(
    repoRoot,
    'node_modules',
    '.cache',
    'ecs-autopilot-packaging',
    // One file per load: the functions build at once in one process, and a shared file is rewritten under a reader.
    `config-loader-${process.pid}-${randomUUID()}.mjs`,
  );
  await build({
    entryPoints: [join(repoRoot, 'shared', 'config', 'load.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    external: ['recheck'],
    logLevel: 'silent',
    // CommonJS dependencies inside still call require (for node: builtins).
    banner: {
      js: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);`,
    },
  });
  try {
    const { loadConfigFile } = await import(pathToFileURL(outfile).href);
    return loadConfigFile(file);
  } finally {
    rmSync(outfile, { force: true });
  }
}

/** @param {{ configFile?: string }} [options] */
export function packagedConfig({ configFile = join(repoRoot, 'ecs-autopilot.yml') } = {}) {
  return {
    name: 'ecs-autopilot-packaged-config',
    setup(esbuild) {
      // Loaded once per build: functions are bundled in parallel, and each bundling the loader overwrote the others'.
      let loading;
      esbuild.onLoad({ filter: configModule }, async () => {
        loading ??= loadShippedConfig(configFile);
        const config = await loading;
        return {
          contents: `export function functionConfigSource() { return ${JSON.stringify(config)}; }`,
          loader: 'js',
          watchFiles: [configFile],
        };
      });
    },
  };
}

/** zod's `locales` as English only. */
export function englishZodMessages() {
  return {
    name: 'ecs-autopilot-english-zod-messages',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
          ? { path: join(dirname(args.resolveDir), 'locales', 'en.js'), namespace: 'zod-english' }
          : undefined,
      );
      esbuild.onLoad({ filter: /.*/, namespace: 'zod-english' }, (args) => ({
        contents: `export { default as en } from ${JSON.stringify(args.path)};`,
        resolveDir: dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

export default [packagedConfig(), englishZodMessages()];
