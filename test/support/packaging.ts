import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll } from 'vitest';
import { repoRoot } from './fixtures.js';
import type { Template } from './template.js';

export const run = promisify(execFile);
export const PACKAGING_TIMEOUT_MS = 5 * 60_000;

/** The files of a zip archive by name, unpacked. */
export function readZip(path: string): Record<string, Uint8Array> {
  return unzipSync(readFileSync(path));
}

/** The first executable of these candidates; PATH is searched for a bare name. */
export function locate(...candidates: string[]): string | undefined {
  for (const candidate of candidates) {
    const paths = candidate.includes('/')
      ? [candidate]
      : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, candidate));
    for (const path of paths) {
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not there: try the next one
      }
    }
  }
  return undefined;
}

/** What `serverless package` wrote: its directory, the template's path and the template. */
export interface Packaged {
  outDir: string;
  templatePath: string;
  template: Template;
}

/**
 * Packages the stack (stage `ci`) once for the test file that calls this, offline and without credentials, and
 * removes the output after; the returned object is filled in before the file's tests run. `args` adds options,
 * e.g. `--config serverless-member.yml` and its `--param`s for the member stack.
 */
export function packageStackForTests(args: readonly string[] = []): Packaged {
  const packaged = {} as Packaged;
  beforeAll(async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ecs-autopilot-package-'));
    const templatePath = join(outDir, 'cloudformation-template-update-stack.json');
    // No credentials, no profile, no instance metadata: packaging must need none of them.
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') || name === 'AWS_CA_BUNDLE'),
    );
    env.AWS_EC2_METADATA_DISABLED = 'true';
    env.AWS_SHARED_CREDENTIALS_FILE = join(outDir, 'no-credentials');
    env.AWS_CONFIG_FILE = join(outDir, 'no-config');
    // The Node running this test (the project's own), not whatever `node` comes first on PATH.
    env.PATH = `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`;
    const serverless = join(repoRoot, 'node_modules', 'osls', 'bin', 'serverless.js');
    try {
      await run(process.execPath, [serverless, 'package', '--stage', 'ci', '--package', outDir, ...args], {
        cwd: repoRoot,
        env,
        maxBuffer: 16 * 1024 * 1024,
        timeout: PACKAGING_TIMEOUT_MS - 30_000,
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`serverless package failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
    }
    Object.assign(packaged, {
      outDir,
      templatePath,
      template: JSON.parse(readFileSync(templatePath, 'utf8')) as Template,
    });
  }, PACKAGING_TIMEOUT_MS);

  afterAll(() => {
    if (packaged.outDir) rmSync(packaged.outDir, { recursive: true, force: true });
  });
  return packaged;
}
