import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeConfig } from '#local/pipeline.js';
import { provisionWorld } from '#local/world.js';
import { type AuditWorld, hardenForAudit, recordAuditAnswers, seedAuditMistakes } from '#local/world-audit.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();
const repo = join(import.meta.dirname, '..', '..');
const config = writeConfig('version: 1\nclusters:\n  - name: prod\n    services:\n      - name: "*"\n');

/** Runs `ecs-autopilot audit` against the proxy, as CI would; the proxy must keep serving meanwhile (no spawnSync). */
function auditCli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [join(repo, 'bin', 'ecs-autopilot.mjs'), '--region', 'us-east-1', 'audit', '--config', config, ...args],
      {
        cwd: repo,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: proxy.endpoint,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('CLI: ecs-autopilot audit', () => {
  let hardened: AuditWorld;

  beforeEach(async () => {
    const world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 2, targetGroups: 2 },
        { name: 'api', tasks: 3, containerPort: 8081 },
      ],
    });
    hardened = await hardenForAudit(world);
    const grace = { healthCheckGracePeriodSeconds: 60 };
    recordAuditAnswers(proxy, { services: { web: grace, api: grace, orders: grace } });
  });

  it('exits 0 on a correct setup and says so', async () => {
    // Act
    const result = await auditCli('--cluster', 'prod');

    // Assess
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('2 service(s) audited: no finding.\n');
    expect(result.status).toBe(0);
  });

  it('exits 4 on findings at or above --fail-on, prints them as JSON with --json, and 0 with --fail-on none', async () => {
    // Prepare
    await seedAuditMistakes(hardened);

    // Act
    const critical = await auditCli('--cluster', 'prod', '--fail-on', 'critical');
    const json = await auditCli('--json', '--service', 'api', '--cluster', 'prod');
    const none = await auditCli('--fail-on', 'none');

    // Assess
    expect(critical.status).toBe(4);
    expect(critical.stdout).toMatch(/^prod\/api {2}\(1 critical, 4 warning\)$/m);
    expect(critical.stdout).toMatch(/^ {2}CRITICAL security-groups\/load-balancer-blocked {2}sg-/m);
    expect(critical.stdout).toMatch(
      /^ {11}fix: {3}add an inbound rule to sg-\w+: TCP port 8081 from security group sg-/m,
    );
    const parsed = JSON.parse(json.stdout) as { verdict: string; findings: Array<{ serviceName?: string }> };
    expect(json.status).toBe(4);
    expect(parsed.verdict).toBe('findings');
    expect(new Set(parsed.findings.map((f) => f.serviceName ?? 'its load balancer'))).toEqual(
      new Set(['api', 'its load balancer']),
    );
    expect(none.status).toBe(0);
  });

  it('refuses --service without exactly one --cluster as a usage error', async () => {
    // Act
    const result = await auditCli('--service', 'api');

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--service needs exactly one --cluster');
  });
});
