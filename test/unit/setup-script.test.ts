import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '#test/support/fixtures.js';

/** A checkout holding `npm run setup`'s script, with npm and the Python side stood in for: npm only logs its calls. */
function checkout() {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-autopilot-setup-'));
  const script = (path: string, body: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, path), 0o755);
  };
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(repoRoot, 'scripts', 'setup.sh'), join(dir, 'scripts', 'setup.sh'));
  writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
  writeFileSync(join(dir, 'requirements-dev.txt'), 'moto\n');
  script('bin/npm', 'echo "$*" >>"$NPM_LOG"');
  script('.venv/bin/python', 'echo "moto 5"');
  script('.venv/bin/cfn-lint', 'echo "cfn-lint 1"');
  writeFileSync(join(dir, '.venv', '.installed'), '');
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(process.execPath, join(dir, 'node_modules', '.bin', 'node'));
  const log = join(dir, 'npm.log');
  writeFileSync(log, '');
  const setup = () => {
    const run = spawnSync('bash', [join(dir, 'scripts', 'setup.sh')], {
      encoding: 'utf8',
      env: { ...process.env, NPM_LOG: log, PATH: `${join(dir, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin` },
    });
    expect(run.status, run.stderr).toBe(0);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  };
  return { dir, setup };
}

describe('npm run setup', () => {
  it('installs npm dependencies when the lock file content changed, not when it was only touched', () => {
    // Prepare
    const { dir, setup } = checkout();
    const lock = join(dir, 'package-lock.json');

    // Act
    const first = setup();
    const again = setup();
    const later = new Date(Date.now() + 60_000);
    utimesSync(lock, later, later);
    const touched = setup();
    writeFileSync(lock, '{"lockfileVersion":3,"packages":{"":{"name":"changed"}}}\n');
    const changed = setup();

    // Assess: npm ci runs for the first install and the changed lock file only
    expect([first, again, touched, changed]).toEqual([1, 1, 1, 2]);
    expect(readFileSync(join(dir, 'node_modules', '.package-lock.sha256'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  });
});
