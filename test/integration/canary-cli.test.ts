import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { canaryConfigYaml, gateAlarm, provisionCanaryWorld, putMinute, settleServices } from '#local/canary-world.js';
import { writeConfig } from '#local/pipeline.js';

const repo = join(import.meta.dirname, '..', '..');
const endpoint = inject('motoEndpoint');
const TABLE = 'ecs-autopilot-cli-state';

/** Runs the CLI as a user would, against moto, and collects its output and exit code. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repo, 'bin', 'ecs-autopilot.mjs'), ...args], {
      cwd: repo,
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint, STATE_TABLE_NAME: TABLE, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('CLI: ecs-autopilot canary (on moto)', () => {
  it('creates the table, starts a canary, ticks it to its first step and shows its status as JSON', async () => {
    // Prepare
    const world = await provisionCanaryWorld(endpoint, { stateTableName: 'unused-by-the-cli' });
    await gateAlarm(world, 'web-5xx', 'OK');
    const config = writeConfig(canaryConfigYaml(world));
    const table = await cli('state-table', 'create');
    const before = await cli('canary', 'status', 'web', '--json', '-c', config);

    // Act
    const start = await cli('canary', 'start', 'web', '--task-definition', 'web-green:1', '-c', config);
    const again = await cli('canary', 'start', 'web', '-c', config);
    await cli('canary', 'tick', '--now', '2026-11-26T06:00:00Z', '-c', config);
    await settleServices(world);
    await putMinute(world, world.greenTargetGroupArn, '2026-11-26T06:00:00Z', {
      requests: 0,
      errors: 0,
      latencySeconds: 0,
    });
    const tick = await cli('canary', 'tick', '--now', '2026-11-26T06:01:00Z', '--json', '-c', config);
    const status = await cli('canary', 'status', 'web', '--json', '-c', config);
    const human = await cli('canary', 'status', '-c', config);

    // Assess
    expect(table).toMatchObject({ status: 0, stdout: `state table ${TABLE} is ready\n` });
    expect(JSON.parse(before.stdout)).toMatchObject({ name: 'web', phase: 'not-started' });
    expect(start.status, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/web: pending \(release 1\)/);
    expect(again.status).toBe(3);
    expect(again.stderr).toMatch(/finish, promote or abort it first/);
    expect(JSON.parse(tick.stdout)[0]).toMatchObject({ name: 'web', decision: 'start', phase: 'ramping' });
    expect(JSON.parse(status.stdout)).toMatchObject({
      phase: 'ramping',
      stepPercent: 5,
      canary: { service: 'web-green', weight: 5, healthyTargets: 1 },
      stable: { service: 'web-blue', weight: 95 },
    });
    expect(human.stdout).toMatch(/web: ramping, step 1\/5 \(5 %\), release 1/);
    expect(human.stdout).toMatch(/gate judge: not yet/);
    expect(JSON.parse(status.stdout).history[0].by, 'the caller as STS names it').toMatch(
      /^cli:arn:aws:(iam|sts)::\d{12}:\S+$/,
    );
  });

  it('refuses to start, with one line and exit code 3 and nothing stored, on a gate alarm missing or in ALARM', async () => {
    // Prepare
    const world = await provisionCanaryWorld(endpoint);
    const config = writeConfig(canaryConfigYaml(world));
    await cli('state-table', 'create');

    // Act
    const missing = await cli('canary', 'start', 'web', '-c', config);
    const afterMissing = await cli('canary', 'status', 'web', '--json', '-c', config);
    await gateAlarm(world, 'web-5xx', 'ALARM');
    const firing = await cli('canary', 'start', 'web', '-c', config);
    const afterFiring = await cli('canary', 'status', 'web', '--json', '-c', config);

    // Assess
    expect(missing).toMatchObject({
      status: 3,
      stdout: '',
      stderr:
        'error: gate alarm(s) not found: web-5xx; create them or remove them from gateAlarms: a missing alarm gates nothing\n',
    });
    expect(firing).toMatchObject({
      status: 3,
      stdout: '',
      stderr: 'error: gate alarm(s) in ALARM: web-5xx; a canary does not start on a bad baseline\n',
    });
    expect(JSON.parse(afterMissing.stdout)).toMatchObject({ phase: 'not-started' });
    expect(JSON.parse(afterFiring.stdout)).toMatchObject({ phase: 'not-started' });
  });

  it('pauses, refuses a second pause with exit code 3, resumes and aborts', async () => {
    // Prepare
    const world = await provisionCanaryWorld(endpoint);
    await gateAlarm(world, 'web-5xx', 'OK');
    const config = writeConfig(canaryConfigYaml(world));
    await cli('state-table', 'create');
    await cli('canary', 'start', 'web', '-c', config);

    // Act
    const pause = await cli('canary', 'pause', 'web', '-c', config);
    const twice = await cli('canary', 'pause', 'web', '-c', config);
    const resume = await cli('canary', 'resume', 'web', '-c', config);
    const abort = await cli('canary', 'abort', 'web', '--gradual', '--json', '-c', config);
    const unknown = await cli('canary', 'pause', 'nope', '-c', config);

    // Assess
    expect([pause.status, twice.status, resume.status, abort.status, unknown.status]).toEqual([0, 3, 0, 0, 3]);
    expect(JSON.parse(abort.stdout)).toMatchObject({ phase: 'rolling-back', gradual: true });
    expect(unknown.stderr).toMatch(/no canary named "nope" in the config \(configured: web\)/);
  });
});
