import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const oom = join(repo, 'events', 'task-stopped-out-of-memory.json');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(repo, 'bin', 'ecs-autopilot.mjs'), ...args], {
    cwd: repo,
    encoding: 'utf8',
    // Nothing may reach AWS from here: an endpoint that refuses at once, and one attempt.
    env: {
      ...process.env,
      ALERT_OUTBOX_URL: '',
      STATE_TABLE_NAME: '',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
      AWS_MAX_ATTEMPTS: '1',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: '',
    },
  });

// Each test starts the CLI in a process of its own, which compiles it at start: room for a busy machine.
describe('CLI: ecs-autopilot', { timeout: 60_000 }, () => {
  it('lists its commands and documents its exit codes', () => {
    // Act
    const help = cli('--help');
    const replay = cli('replay', '--help');

    // Assess
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/replay \[options\] <event-file>/);
    expect(help.stdout).toMatch(/--json.*--region <region>.*--profile <name>.*--debug/s);
    expect(help.stdout).toMatch(/Exit codes: 0 done, 1 failure, 2 usage error, 3 refused/);
    expect(replay.stdout).toMatch(/--dry-run.*--now <time>.*--ignore-age/s);
    expect(replay.stdout).toMatch(/task-state-change.*alarm-state-change.*service-event.*reconciler/s);
  });

  it('prints the version of package.json', () => {
    // Prepare
    const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };

    // Act & Assess
    expect(cli('--version')).toMatchObject({ status: 0, stdout: `${version}\n` });
  });

  it.each([
    [['frobnicate', '--help']],
    [['config', 'frobnicate', '--help']],
    [['--region', 'eu-west-1', 'frobnicate']],
  ])('calls an unknown command a usage error, with or without --help: %j', (args) => {
    // Act
    const result = cli(...args);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: unknown command 'frobnicate'/);
    expect(result.stdout).toBe('');
  });

  it('validates a config file, as JSON with --json, and refuses a bad one with exit 3', () => {
    // Act
    const good = cli('config', 'validate', join(repo, 'ecs-autopilot.yml'), '--json');
    const bad = cli('--json', 'config', 'validate', join(repo, 'package.json'));

    // Assess
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      valid: true,
      clusters: 1,
      serviceEntries: 2,
      alarmRules: 4,
      canaries: 0,
    });
    expect(bad.status).toBe(3);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      valid: false,
      problems: expect.arrayContaining([expect.stringMatching(/^version: /)]),
    });
  });

  it('counts the canaries it validated, in its line and in --json', () => {
    // Prepare
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
    const file = join(mkdtempSync(join(tmpdir(), 'ecs-autopilot-cli-')), 'canaries.yml');
    writeFileSync(
      file,
      `version: 1
clusters: [{ name: prod, services: [{ name: web-blue }, { name: web-green }] }]
canaries:
  - name: web
    cluster: prod
    ruleArn: ${arn}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee
    sides:
      - { service: web-blue, targetGroupArn: ${arn}:targetgroup/web-blue/943f017f100becff }
      - { service: web-green, targetGroupArn: ${arn}:targetgroup/web-green/943f017f100becfa }
`,
    );

    // Act
    const line = cli('config', 'validate', file);
    const json = cli('config', 'validate', file, '--json');

    // Assess
    expect(line.status).toBe(0);
    expect(line.stdout).toMatch(/: valid \(1 cluster\(s\), 2 service entries, 0 alarm rule\(s\), 1 canary\)$/m);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, canaries: 1 });
  });

  it('asks for an outbox, as a usage error, only when the replay is not a dry run', () => {
    // Act
    const result = cli('replay', oom);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error: --outbox-url (or ALERT_OUTBOX_URL) is required to queue alerts; --dry-run prints them\n',
    );
  });

  it('asks for the state table, as a usage error, when the replay acts and says how to make one', () => {
    // Act
    const acting = cli('replay', oom, '--outbox-url', 'http://127.0.0.1:1/123456789012/outbox.fifo');

    // Assess
    expect(acting.status).toBe(2);
    expect(acting.stderr).toMatch(
      /^error: --table \(or STATE_TABLE_NAME\) is required to act: .*`ecs-autopilot state-table create --table <name>` makes one\); --dry-run needs none\n$/,
    );
  });

  it('refuses a stale capture with exit 3 and says how to replay it on purpose', () => {
    // Act
    const result = cli('replay', oom, '--dry-run', '--json');

    // Assess: the result is JSON on stdout; the refusal is one line on stderr
    expect(result.status).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ function: 'task-state-change', dryRun: true, alerts: [] });
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^error: not acted on: stale: the event is \d+ s old.*\(replay an old capture on purpose: --ignore-age or --now\)$/,
    );
  });

  it('reports a failure in one line with exit 1, and the stack only with --debug', () => {
    // Act: the capture is judged at its own time, so the reaction goes on to AWS, which cannot be reached
    const plain = cli('replay', oom, '--dry-run', '--ignore-age');
    const debug = cli('replay', oom, '--dry-run', '--ignore-age', '--debug');

    // Assess
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/^error: .+$/m);
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});
