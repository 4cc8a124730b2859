import { afterEach, describe, expect, it } from 'vitest';
import { actionArnOf } from '#shared/config/canary-action.js';
import { functionConfigSource } from '#shared/config/function-config.js';
import { ConfigError, loadConfigFile, parseConfig } from '#shared/config/load.js';
import { disabledByTag, serviceManagement } from '#shared/config/managed.js';
import { applyEnvOverrides } from '#shared/config/overrides.js';
import { configAt, configuredPlaces, placeOf, statedPlace } from '#shared/config/places.js';
import { ACCOUNT, config, REGION } from '#test/support/builders.js';

const MEMBER = '444455556666';
const home = { account: ACCOUNT, region: REGION };

describe('Config: places', () => {
  it("acts in home's other regions through the member role, and in home itself once", () => {
    // Prepare
    const spread = config({ accounts: [{ id: ACCOUNT, regions: [REGION, 'eu-west-1'] }] });

    // Act
    const places = configuredPlaces(spread, home);

    // Assess
    expect(places).toEqual([
      { ...home },
      { account: ACCOUNT, region: 'eu-west-1', role: { arn: `arn:aws:iam::${ACCOUNT}:role/ecs-autopilot-member` } },
    ]);
  });

  it("places an entry in the region it names, else its account's only region, else home's", () => {
    // Prepare
    const accounts = config({ accounts: [{ id: MEMBER, regions: ['eu-west-1'] }] });

    // Act & Assess
    expect(placeOf({ account: MEMBER }, accounts, home)).toEqual({ account: MEMBER, region: 'eu-west-1' });
    expect(placeOf({ account: MEMBER, region: 'eu-central-1' }, accounts, home)).toEqual({
      account: MEMBER,
      region: 'eu-central-1',
    });
    expect(placeOf({ account: '999999999999' }, accounts, home)).toEqual({ account: '999999999999', region: REGION });
    expect(placeOf({}, accounts, home)).toBe(home);
  });

  it('states a place only for an entry that names its account', () => {
    // Prepare
    const accounts = config({ accounts: [{ id: MEMBER, regions: ['eu-west-1'] }] });

    // Act & Assess
    expect(statedPlace({}, accounts)).toBeUndefined();
    expect(statedPlace({ account: MEMBER }, accounts)).toEqual({ account: MEMBER, region: 'eu-west-1' });
    expect(statedPlace({ account: '999999999999' }, accounts)).toEqual({ account: '999999999999', region: '' });
  });

  it("keeps another place's canaries out of this place's config", () => {
    // Prepare
    const canary = { name: 'web' } as never;
    const member = { name: 'api', account: MEMBER } as never;
    const whole = {
      accounts: [{ id: MEMBER, regions: ['eu-west-1'], roleName: 'r' }],
      clusters: [],
      canaries: [canary, member],
    };

    // Act & Assess
    expect(configAt(whole, home, home).canaries).toEqual([canary]);
  });
});

describe('Config: services and overrides', () => {
  it("merges a service's own task-failure policy over the global one", () => {
    // Prepare
    const cfg = config({
      clusters: [{ name: 'prod', services: [{ name: 'web', taskFailures: { deregisterTargets: false } }] }],
    });

    // Act & Assess
    expect(serviceManagement(cfg, 'prod', 'web')).toEqual({
      managed: true,
      taskFailures: { deregisterTargets: false, alertRoutineStops: false },
      scaling: undefined,
    });
  });

  it('keeps the global value of a task-failure key that a service does not override, not its default', () => {
    // Prepare
    const parsed = parseConfig({
      version: 1,
      taskFailures: { deregisterTargets: true, alertRoutineStops: true },
      clusters: [{ name: 'prod', services: [{ name: 'web', taskFailures: { deregisterTargets: false } }] }],
    });

    // Act
    const web = serviceManagement(parsed, 'prod', 'web');

    // Assess
    expect(web).toMatchObject({ managed: true, taskFailures: { deregisterTargets: false, alertRoutineStops: true } });
    expect(parsed.clusters[0]?.services?.[0]?.taskFailures).toEqual({ deregisterTargets: false });
  });

  it('switches a service off with the tag whatever its value but "false", an empty tag included', () => {
    // Act & Assess
    expect(disabledByTag([{ key: 'ecs-autopilot:disabled' }])).toBe(true);
    expect(
      disabledByTag([
        { key: 'team', value: 'web' },
        { key: 'ecs-autopilot:disabled', value: 'yes' },
      ]),
    ).toBe(true);
    expect(disabledByTag([{ key: 'ecs-autopilot:disabled', value: 'FALSE' }])).toBe(false);
    expect(disabledByTag(undefined)).toBe(false);
  });

  it('reads AUTOPILOT_DRY_RUN in any case and spacing, and leaves the file alone when it is empty', () => {
    // Prepare
    const cfg = config({ dryRun: true });

    // Act & Assess
    expect(applyEnvOverrides(cfg, { AUTOPILOT_DRY_RUN: ' False ' }).dryRun).toBe(false);
    expect(applyEnvOverrides(config(), { AUTOPILOT_DRY_RUN: 'TRUE' }).dryRun).toBe(true);
    expect(applyEnvOverrides(cfg, { AUTOPILOT_DRY_RUN: '' })).toBe(cfg);
    expect(applyEnvOverrides(cfg, {})).toBe(cfg);
    expect(() => applyEnvOverrides(cfg, { AUTOPILOT_DRY_RUN: 'yes' })).toThrow(
      'AUTOPILOT_DRY_RUN):\n  - expected "true" or "false", got "yes"',
    );
  });

  it("names a canary's forward action by its rule, else by its listener", () => {
    // Act & Assess
    expect(actionArnOf({ ruleArn: 'rule-arn', listenerArn: 'listener-arn' })).toBe('rule-arn');
    expect(actionArnOf({ listenerArn: 'listener-arn' })).toBe('listener-arn');
  });
});

describe('Config: files', () => {
  const saved = process.env.AUTOPILOT_CONFIG_FILE;
  afterEach(() => {
    if (saved === undefined) delete process.env.AUTOPILOT_CONFIG_FILE;
    else process.env.AUTOPILOT_CONFIG_FILE = saved;
  });

  it('says which file it cannot read, and keeps why', () => {
    // Act
    const attempt = () => loadConfigFile('config/no-such-file.yml');

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/config\/no-such-file\.yml\):\n {2}- cannot read the file: ENOENT/);
  });

  it('runs a function with ecs-autopilot.yml unless AUTOPILOT_CONFIG_FILE names another', () => {
    // Prepare
    delete process.env.AUTOPILOT_CONFIG_FILE;
    const shipped = loadConfigFile('ecs-autopilot.yml');

    // Act & Assess
    expect(functionConfigSource()).toEqual(shipped);
    process.env.AUTOPILOT_CONFIG_FILE = 'config/no-such-file.yml';
    expect(() => functionConfigSource()).toThrow(/no-such-file/);
  });
});
