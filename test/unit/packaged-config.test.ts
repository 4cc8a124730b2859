import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '#shared/config/load.js';
import { repoRoot } from '#test/support/fixtures.js';
import { englishZodMessages, packagedConfig } from '../../deploy/esbuild-plugins.mjs';

const configModule = join(repoRoot, 'shared', 'config', 'function-config.ts');

/** Bundles the functions' config module through the packaging plugin and evaluates it. */
async function packagedSource(configFile: string): Promise<unknown> {
  const result = await build({
    entryPoints: [configModule],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
    plugins: [packagedConfig({ configFile })],
  });
  const code = result.outputFiles[0]?.text ?? '';
  const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
    functionConfigSource: () => unknown;
  };
  return module.functionConfigSource();
}

describe('Packaging: config', () => {
  it('bakes in the same validated config the loader reads from the shipped file', async () => {
    // Prepare
    const file = join(repoRoot, 'ecs-autopilot.yml');

    // Act
    const packaged = await packagedSource(file);

    // Assess
    expect(packaged).toEqual(loadConfigFile(file));
  });

  it('fails the build on an invalid config, naming the bad field', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'ecs-autopilot-config-')), 'bad.yml');
    writeFileSync(file, 'version: 1\nreconciler: { orphanGraceSeconds: 5 }\nclusters: []\n');

    // Act
    const packaging = packagedSource(file);

    // Assess
    await expect(packaging).rejects.toThrow(/reconciler\.orphanGraceSeconds: an integer from 60 to 3600/);
  });

  it('keeps English zod messages and drops every other language', async () => {
    // Prepare
    const entry = "import * as z from 'zod'; export const locales = Object.keys(z.locales);";

    // Act
    const result = await build({
      stdin: { contents: entry, resolveDir: repoRoot, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
      plugins: [englishZodMessages()],
    });
    const code = result.outputFiles[0]?.text ?? '';
    const { locales } = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
      locales: string[];
    };

    // Assess
    expect(locales).toEqual(['en']);
  });
});
