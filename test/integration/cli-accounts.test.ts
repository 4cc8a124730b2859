import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryConfigYaml, gateAlarm, provisionCanaryWorld } from '#local/canary-world.js';
import { type AccountEndpoint, startAccountEndpoint } from '#local/moto-account.js';
import { recordAssumeRoles } from '#local/moto-proxy-sts.js';
import { writeConfig } from '#local/pipeline.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const repo = join(import.meta.dirname, '..', '..');
const MEMBER = '222222222222';
const STRANGER = '333333333333';
const TABLE = 'ecs-autopilot-cli-accounts-state';

const proxy = await useMotoProxy();

/** Runs the CLI as a user would, with the caller's own credentials, against the central account of moto. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repo, 'bin', 'ecs-autopilot.mjs'), ...args], {
      cwd: repo,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: proxy.endpoint,
        STATE_TABLE_NAME: TABLE,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        USER: 'alice',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The canary world's config, placed in the member account: its cluster and its canary say where they live. */
function memberConfig(yaml: string): string {
  const accounts = `accounts:\n  - id: "${MEMBER}"\n    regions: [us-east-1]\n    externalId: cli-test\n`;
  return yaml
    .replace('version: 1\n', `version: 1\n${accounts}`)
    .replace(/(clusters:\n {2}- name: \S+\n)/, `$1    account: "${MEMBER}"\n`)
    .replace(/(canaries:\n {2}- name: web\n)/, `$1    account: "${MEMBER}"\n`);
}

describe('CLI: --account and --region (on moto, two accounts)', () => {
  let member: AccountEndpoint;

  beforeAll(async () => {
    member = await startAccountEndpoint(proxy.endpoint, MEMBER);
  });
  afterAll(() => member.stop());

  it("reads a member account's canary through its member role with --account, and only with it", async () => {
    // Prepare
    const world = await provisionCanaryWorld(member.endpoint);
    await gateAlarm(world, 'web-5xx', 'OK');
    const config = writeConfig(memberConfig(canaryConfigYaml(world)));
    await cli('state-table', 'create');
    const assumed = recordAssumeRoles(proxy);

    // Act
    const status = await cli('canary', 'status', 'web', '--account', MEMBER, '--json', '-c', config);
    const withoutAccount = await cli('canary', 'status', 'web', '-c', config);

    // Assess
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      name: 'web',
      phase: 'not-started',
      stable: { service: 'web-blue', weight: 100, desiredCount: 4 },
      canary: { service: 'web-green', weight: 0 },
    });
    expect(world.account).toBe(MEMBER);
    // Each SDK client resolves the role's credentials once: every request to STS is for the member role.
    expect(assumed.length).toBeGreaterThan(0);
    for (const request of assumed) {
      expect(request).toMatchObject({
        RoleArn: `arn:aws:iam::${MEMBER}:role/ecs-autopilot-member`,
        ExternalId: 'cli-test',
        RoleSessionName: 'ecs-autopilot-cli-alice',
      });
    }
    expect(withoutAccount.status).toBe(3);
    expect(withoutAccount.stderr).toMatch(/no canary named "web" in the config \(configured: none\)/);
  });

  it('refuses an account the config does not list with exit code 3 and one line, before assuming any role', async () => {
    // Prepare
    const world = await provisionCanaryWorld(member.endpoint);
    const config = writeConfig(memberConfig(canaryConfigYaml(world)));
    const assumed = recordAssumeRoles(proxy);

    // Act
    const canary = await cli('canary', 'status', '--account', STRANGER, '-c', config);
    const audit = await cli('audit', '--account', STRANGER, '-c', config);
    const region = await cli('canary', 'list', '--account', MEMBER, '--region', 'eu-west-1', '-c', config);

    // Assess
    const line = `error: account ${STRANGER} is not under accounts in ${config} (listed: ${MEMBER}): the CLI acts only where the config does\n`;
    expect(canary).toMatchObject({ status: 3, stdout: '', stderr: line });
    expect(audit).toMatchObject({ status: 3, stdout: '', stderr: line });
    expect(region).toMatchObject({
      status: 3,
      stderr: `error: region eu-west-1 is not one of account ${MEMBER}'s regions in ${config} (us-east-1)\n`,
    });
    expect(assumed).toEqual([]);
  });

  it("audits a member account's services through its member role", async () => {
    // Prepare
    const world = await provisionCanaryWorld(member.endpoint);
    const config = writeConfig(memberConfig(canaryConfigYaml(world)));
    const assumed = recordAssumeRoles(proxy);

    // Act
    const audit = await cli(
      'audit',
      '--account',
      MEMBER,
      '--cluster',
      world.clusterName,
      '--fail-on',
      'none',
      '--json',
      '-c',
      config,
    );

    // Assess
    expect(audit.status, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ account: MEMBER, region: 'us-east-1', services: 2 });
    expect(assumed.length).toBeGreaterThan(0);
    expect(new Set(assumed.map((a) => a.RoleArn))).toEqual(
      new Set([`arn:aws:iam::${MEMBER}:role/ecs-autopilot-member`]),
    );
  });

  it("replays a member account's event as the deployed function would: through its member role", async () => {
    // Prepare
    const world = await provisionCanaryWorld(member.endpoint);
    const config = writeConfig(memberConfig(canaryConfigYaml(world)));
    const task = world.services['web-blue']?.tasks[0];
    if (!task) throw new Error('no web-blue task');
    const dir = mkdtempSync(join(tmpdir(), 'cli-accounts-'));
    const eventFile = join(dir, 'member-event.json');
    const event = taskStateChangeEvent(world, task);
    writeFileSync(eventFile, JSON.stringify(event));
    const foreignFile = join(dir, 'foreign-event.json');
    writeFileSync(foreignFile, JSON.stringify({ ...event, account: STRANGER }));
    const assumed = recordAssumeRoles(proxy);

    // Act
    const replay = await cli('replay', eventFile, '--dry-run', '--ignore-age', '--json', '-c', config);
    const foreign = await cli('replay', foreignFile, '--dry-run', '--ignore-age', '-c', config);

    // Assess
    expect(replay.status, replay.stderr).toBe(0);
    const { result } = JSON.parse(replay.stdout) as { result: { audit: Array<{ outcome: string }> } };
    expect(result.audit.map((a) => a.outcome)).toEqual(['dry-run']);
    expect(assumed.length).toBeGreaterThan(0);
    for (const request of assumed) {
      expect(request).toMatchObject({
        RoleArn: `arn:aws:iam::${MEMBER}:role/ecs-autopilot-member`,
        ExternalId: 'cli-test',
        RoleSessionName: `task-stop-${event.id}`,
      });
    }
    expect(foreign.status).toBe(3);
    expect(foreign.stderr).toMatch(
      new RegExp(
        `the event's account ${STRANGER} in us-east-1 is not under accounts in .*: no member role to act through`,
      ),
    );
  });
});
