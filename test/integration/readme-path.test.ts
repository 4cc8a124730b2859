import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, inject, it } from 'vitest';
import { provisionWorld, receiveOutbox } from '#local/world.js';
import { repoRoot } from '#test/support/fixtures.js';

const endpoint = inject('motoEndpoint');
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The body of the first fenced block after `marker` in the README. */
function blockAfter(marker: string): string {
  const from = readme.indexOf(marker);
  if (from < 0) throw new Error(`README has no "${marker}"`);
  const open = readme.indexOf('```', from);
  const start = readme.indexOf('\n', open) + 1;
  return readme.slice(start, readme.indexOf('```', start));
}

/** Runs one README command line as a newcomer types it, in a shell at the top of the repository. */
function run(line: string, env: Record<string, string> = {}) {
  return spawnSync('sh', ['-c', line], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 180_000,
    env: {
      ...process.env,
      PATH: `${join(repoRoot, 'node_modules', '.bin')}${delimiter}${process.env.PATH}`,
      ...env,
    },
  });
}

describe("README: a newcomer's path", () => {
  it('sets up and runs the demo with the two commands, as written', () => {
    // Prepare: the README's first line, `npm run setup && npm run demo`; setup has already run for this test run
    const scripts = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const [demoLine] = blockAfter('## The two commands').split('\n');
    const steps = (demoLine ?? '')
      .replace(/#.*$/, '')
      .split('&&')
      .map((part) => part.trim());

    // Act
    const demo = run(steps[1] ?? '');

    // Assess
    expect(steps).toEqual(['npm run setup', 'npm run demo']);
    expect(scripts.setup).toBe('bash scripts/setup.sh');
    expect(demo.status, demo.stderr).toBe(0);
  }, 240_000);

  it('shows the config error the README shows, for the mistakes it shows', () => {
    // Prepare: a file with exactly those mistakes
    const dir = mkdtempSync(join(tmpdir(), 'ecs-autopilot-readme-'));
    writeFileSync(
      join(dir, 'bad.yml'),
      [
        'version: 1',
        'alarms: [{ alarmName: "-cpu-high$", reaction: scale-out, step: 0 }]',
        'reconciler: { orphanGraceSeconds: 950400 }',
        'clusters: [{ name: prod, services: [{ name: web, enabeld: false }, { name: "api gateway" }] }]',
      ].join('\n'),
    );
    const [command, ...expected] = blockAfter('A bad field fails with its path').trim().split('\n');

    // Act: in the repository, as the README runs it, on the file written above
    const line = (command ?? '').replace(/^\$ /, '').replace('bad.yml', join(dir, 'bad.yml'));
    const result = spawnSync('sh', ['-c', line], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(repoRoot, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` },
    });

    // Assess
    expect(result.status).toBe(3);
    expect(result.stderr.trim().replace(join(dir, 'bad.yml'), 'bad.yml').split('\n')).toEqual(expected);
  }, 60_000);

  it('runs every line of "Replaying an event" against an AWS holding the shipped config\'s services', async () => {
    // Prepare: the account the shipped config describes, on the local emulator
    const world = await provisionWorld(endpoint, {
      services: [
        { name: 'web', tasks: 3 },
        { name: 'api', tasks: 2 },
      ],
    });
    const lines = blockAfter('## Replaying an event').trim().split('\n');
    const env = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: world.region, ALERT_OUTBOX_URL: '' };

    // Act
    const results = lines.map((line) => ({ line, result: run(line, env) }));

    // Assess: every line works, the dry runs print their alert, and nothing was changed or queued
    for (const { line, result } of results) expect(result.status, `${line}\n${result.stderr}`).toBe(0);
    const replays = results.filter(({ line }) => line.includes(' replay '));
    expect(replays).toHaveLength(2);
    for (const { result } of replays)
      expect(result.stdout).toMatch(/the alert it would send:\n {2}\[(critical|warning)\]/);
    expect(replays[0]?.result.stdout).toMatch(/\(task-stopped\/essential-container-exited\)/);
    expect(replays[1]?.result.stdout).toMatch(/would set the desired count|from 3 to 4/);
    expect(await receiveOutbox(world)).toEqual([]);
    const ecs = new ECSClient({ endpoint, region: world.region });
    const web = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    expect(web.services?.[0]?.desiredCount).toBe(3);
  });
});
