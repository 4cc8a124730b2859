import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(repo, 'bin', 'ecs-autopilot.mjs'), ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, ALERT_OUTBOX_URL: '', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });

describe('CLI: ecs-autopilot', () => {
  it('lists its commands, replay with --dry-run among them', () => {
    // Act
    const help = cli('--help');
    const replay = cli('replay', '--help');

    // Assess
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/replay \[options\] <event-file>/);
    expect(help.stdout).toMatch(/config/);
    expect(replay.stdout).toMatch(/--dry-run/);
    expect(replay.stdout).toMatch(/task-state-change.*alarm-state-change.*service-event.*reconciler/s);
  });

  it('validates a config file and names every bad field', () => {
    // Act
    const good = cli('config', 'validate', join(repo, 'ecs-autopilot.yml'));
    const bad = cli('config', 'validate', join(repo, 'package.json'));

    // Assess
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/valid \(1 cluster\(s\), 2 service entries\)/);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/version: /);
  });

  it('says in one line why a replay cannot run, and exits 1', () => {
    // Act
    const result = cli('replay', join(repo, 'events', 'task-stopped-out-of-memory.json'), '--dry-run');

    // Assess: our line, whole, and no stack trace; Node may add its own warnings (e.g. the SDK's on an old Node).
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')).toContain(
      'replay through task-state-change failed: ALERT_OUTBOX_URL (the alert outbox queue) is required',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
