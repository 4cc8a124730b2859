import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEnvOverrides, loadConfigFile, parseConfig } from '#shared/config/load.js';
import { disabledByTag } from '#shared/config/managed.js';
import { configJsonSchema } from '#shared/config/schema.js';
import { problemsOf } from '#test/support/config-problems.js';

const repo = join(import.meta.dirname, '..', '..');

describe('Config: validation', () => {
  it('accepts the shipped config and fills in the defaults', () => {
    // Act
    const config = loadConfigFile(join(repo, 'ecs-autopilot.yml'));

    // Assess
    expect(config.events.maxAgeSeconds).toBe(300);
    expect(config.verification.deregistration).toBe('acknowledged');
    expect(config.clusters[0]?.services.map((s) => s.name)).toEqual(['web', 'api']);
  });

  it('names the path and the expectation of every bad field', () => {
    // Act
    const problems = problemsOf({
      version: 1,
      dryRun: 'yes',
      clusters: [{ name: 'prod', services: [{ name: 'web' }, { name: 'bad name!' }] }],
      extra: true,
    });

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dryRun: .*expected boolean/),
        expect.stringMatching(/^clusters\[0\]\.services\[1\]\.name: an ECS service name/),
        expect.stringMatching(/^\(root\): .*extra/),
      ]),
    );
  });

  it('names a service listed twice in one cluster', () => {
    expect(problemsOf({ version: 1, clusters: [{ name: 'p', services: [{ name: 'w' }, { name: 'w' }] }] })).toEqual([
      'clusters[0].services[1].name: service "w" is listed twice in cluster "p"',
    ]);
  });

  it('rejects an event age beyond the alert de-duplication window', () => {
    expect(
      problemsOf({ version: 1, events: { maxAgeSeconds: 900 }, clusters: [{ name: 'p', services: [{ name: 'w' }] }] }),
    ).toEqual([expect.stringMatching(/^events\.maxAgeSeconds: /)]);
  });

  it('says which file could not be parsed, and why', () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'ecs-autopilot-')), 'bad.yml');
    writeFileSync(file, 'version: 1\nclusters: [\n');

    // Act & Assess
    expect(() => loadConfigFile(file)).toThrow(/bad\.yml.*\n.*not valid YAML/);
  });

  it('keeps config/ecs-autopilot.schema.json in step with the schema (regenerate: npm run cli -- config schema)', () => {
    // Act
    const committed = JSON.parse(readFileSync(join(repo, 'config', 'ecs-autopilot.schema.json'), 'utf8'));

    // Assess
    expect(committed).toEqual(configJsonSchema());
  });
});

describe('Config: kill switches and overrides', () => {
  it('treats the ecs-autopilot:disabled tag as a kill switch unless its value is "false"', () => {
    expect(disabledByTag([{ key: 'ecs-autopilot:disabled', value: 'true' }])).toBe(true);
    expect(disabledByTag([{ key: 'ecs-autopilot:disabled', value: '' }])).toBe(true);
    expect(disabledByTag([{ key: 'ecs-autopilot:disabled', value: 'false' }])).toBe(false);
    expect(disabledByTag([{ key: 'team', value: 'web' }])).toBe(false);
  });

  it('turns dry-run on from AUTOPILOT_DRY_RUN and refuses a value it does not understand', () => {
    // Prepare
    const config = parseConfig({ version: 1, clusters: [{ name: 'p', services: [{ name: 'w' }] }] });

    // Act & Assess
    expect(applyEnvOverrides(config, { AUTOPILOT_DRY_RUN: 'true' }).dryRun).toBe(true);
    expect(applyEnvOverrides(config, {}).dryRun).toBe(false);
    expect(() => applyEnvOverrides(config, { AUTOPILOT_DRY_RUN: 'maybe' })).toThrow(/expected "true" or "false"/);
  });
});
