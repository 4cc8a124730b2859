import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import { configAt, configuredPlaces, placeOf, reachOf, unconfiguredPlace } from '#shared/config/places.js';
import { problemsOf } from '#test/support/config-problems.js';

const home = { account: '111111111111', region: 'eu-west-1' };
const services = [{ name: 'web' }];

const twoAccounts = {
  version: 1,
  accounts: [
    { id: '222222222222', regions: ['eu-west-1', 'us-east-1'], externalId: 'autopilot-ext' },
    { id: '333333333333', regions: ['eu-west-1'], roleName: 'platform-autopilot' },
  ],
  clusters: [
    { name: 'prod', services },
    { name: 'prod', account: '222222222222', region: 'us-east-1', services },
    { name: 'prod', account: '333333333333', services },
  ],
};

describe('Config: accounts and regions', () => {
  it('keeps a config without accounts to the deployment’s own account and region', () => {
    // Prepare
    const config = parseConfig({ version: 1, clusters: [{ name: 'prod', services }] });

    // Act
    const places = configuredPlaces(config, home);

    // Assess
    expect(config.accounts).toEqual([]);
    expect(places).toEqual([home]);
    expect(placeOf(config.clusters[0] ?? {}, config, home)).toEqual(home);
  });

  it('lists every configured account and region, home first, members through their roles', () => {
    // Act
    const places = configuredPlaces(parseConfig(twoAccounts), home);

    // Assess
    expect(places).toEqual([
      home,
      {
        account: '222222222222',
        region: 'eu-west-1',
        role: { arn: 'arn:aws:iam::222222222222:role/ecs-autopilot-member', externalId: 'autopilot-ext' },
      },
      {
        account: '222222222222',
        region: 'us-east-1',
        role: { arn: 'arn:aws:iam::222222222222:role/ecs-autopilot-member', externalId: 'autopilot-ext' },
      },
      {
        account: '333333333333',
        region: 'eu-west-1',
        role: { arn: 'arn:aws:iam::333333333333:role/platform-autopilot' },
      },
    ]);
  });

  it('sees one cluster per place although the three share a name', () => {
    // Prepare
    const config = parseConfig(twoAccounts);

    // Act
    const inMember = configAt(config, { account: '333333333333', region: 'eu-west-1' }, home);
    const atHome = configAt(config, home, home);
    const elsewhere = configAt(config, { account: '222222222222', region: 'eu-west-1' }, home);

    // Assess
    expect(inMember.clusters.map((c) => c.account)).toEqual(['333333333333']);
    expect(atHome.clusters.map((c) => c.account)).toEqual([undefined]);
    expect(elsewhere.clusters).toEqual([]);
  });

  it('refuses a place the config does not list, naming those it does', () => {
    // Prepare
    const config = parseConfig(twoAccounts);

    // Act
    const why = unconfiguredPlace(config, { account: '444444444444', region: 'eu-west-1' }, home);

    // Assess
    expect(reachOf(config, { account: '444444444444', region: 'eu-west-1' }, home)).toBeUndefined();
    expect(why).toMatch(
      /^the event's account 444444444444 in eu-west-1 is not ours \(the config acts in 111111111111\/eu-west-1, /,
    );
    expect(unconfiguredPlace(config, { account: '222222222222', region: 'us-east-1' }, home)).toBeUndefined();
  });

  it('names every misplaced cluster and canary with what to write instead', () => {
    // Act
    const problems = problemsOf({
      version: 1,
      accounts: [
        { id: '222222222222', regions: ['eu-west-1', 'us-east-1'] },
        { id: '222222222222', regions: ['eu-west-2'] },
        { id: '22222222222', regions: ['mars-1'] },
      ],
      clusters: [
        { name: 'a', account: '222222222223', services },
        { name: 'b', account: '222222222222', services },
        { name: 'c', account: '222222222222', region: 'eu-central-1', services },
        { name: 'd', region: 'us-east-1', services },
      ],
    });

    // Assess
    expect(problems).toEqual([
      'accounts[2].id: a 12-digit AWS account id, quoted so that YAML keeps its leading zeros',
      'accounts[2].regions[0]: an AWS region code such as "eu-west-1"',
      'accounts[1].id: account 222222222222 is listed twice (first at accounts[0]): merge its regions into one entry',
      'clusters[0].account: cluster "a": account 222222222223 is not under accounts (did you mean 222222222222? listed: 222222222222, 222222222222, 22222222222)',
      'clusters[1].region: cluster "b": account 222222222222 has several regions (eu-west-1, us-east-1): say which',
      'clusters[2].region: cluster "c": region eu-central-1 is not one of account 222222222222\'s regions (eu-west-1, us-east-1)',
      'clusters[3].region: cluster "d" names a region without an account: give its account too (listed under accounts with that region)',
    ]);
  });

  it('still names a cluster listed twice in one place', () => {
    expect(
      problemsOf({
        version: 1,
        accounts: [{ id: '222222222222', regions: ['eu-west-1'] }],
        clusters: [
          { name: 'p', account: '222222222222', services },
          { name: 'p', account: '222222222222', services },
        ],
      }),
    ).toEqual([
      'clusters[1].name: cluster "p" is listed twice (first at clusters[0]): merge its services into one entry',
    ]);
  });
});
