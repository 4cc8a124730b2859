import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import { problemsOf } from '#test/support/config-problems.js';

const services = [{ name: 'web' }];
const withAccount = (regions: string[]) => ({
  version: 1,
  accounts: [{ id: '222222222222', regions }],
  clusters: [{ name: 'prod', services }],
});

describe('Config: validation rules', () => {
  it.each([['eu-west-1'], ['us-gov-west-1'], ['ap-southeast-12']])('takes the region code %s', (region) => {
    // Act & Assess
    expect(parseConfig(withAccount([region])).accounts[0]?.regions).toEqual([region]);
  });

  it.each([
    ['euwest1'],
    ['e-west-1'],
    ['eu-1'],
    ['eu-west-123'],
    ['eu-west-1a'],
    ['EU-west-1'],
    ['eu-west1-1'],
    ['x eu-west-1'],
  ])('refuses %j as a region code', (region) => {
    // Act & Assess
    expect(problemsOf(withAccount([region]))).toEqual([
      'accounts[0].regions[0]: an AWS region code such as "eu-west-1"',
    ]);
  });

  it('takes each region of an account once', () => {
    // Act & Assess
    expect(problemsOf(withAccount(['eu-west-1', 'eu-west-1']))).toEqual(['accounts[0].regions: each region once']);
    expect(parseConfig(withAccount(['eu-west-1', 'us-east-1'])).accounts[0]?.regions).toHaveLength(2);
  });

  it('takes scaling bounds that meet and refuses a floor above the ceiling', () => {
    // Prepare
    const scaled = (minCount: number, maxCount: number) => ({
      version: 1,
      clusters: [{ name: 'prod', services: [{ name: 'web', scaling: { minCount, maxCount } }] }],
    });

    // Act & Assess
    expect(parseConfig(scaled(3, 3)).clusters[0]?.services[0]?.scaling).toEqual({ minCount: 3, maxCount: 3 });
    expect(problemsOf(scaled(4, 3))).toEqual([
      'clusters[0].services[0].scaling.minCount: minCount must not exceed maxCount',
    ]);
  });

  it('takes 0% as a floor of healthy targets but not as a step, and nothing above 100%', () => {
    // Prepare
    const rule = (fields: Record<string, unknown>) => ({
      version: 1,
      alarms: [{ alarmName: '^web-', ...fields }],
      clusters: [{ name: 'prod', services }],
    });

    // Act & Assess
    expect(parseConfig(rule({ reaction: 'deregister-unhealthy', minHealthy: '0%' })).alarms[0]).toMatchObject({
      minHealthy: '0%',
    });
    expect(problemsOf(rule({ reaction: 'scale-out', step: '0%' }))).toHaveLength(1);
    expect(problemsOf(rule({ reaction: 'deregister-unhealthy', minHealthy: '100.5%' }))).toHaveLength(1);
  });

  it('names a reaction that is not a string without guessing at it', () => {
    // Act
    const problems = problemsOf({
      version: 1,
      alarms: [{ alarmName: '^web-', reaction: 7 }],
      clusters: [{ name: 'prod', services }],
    });

    // Assess
    expect(problems).toEqual([
      'alarms[0].reaction: unknown reaction 7; one of deregister-unhealthy, scale-out, scale-in, notify-only',
    ]);
  });

  it('takes one cluster name in two accounts as two clusters', () => {
    // Act
    const config = parseConfig({
      version: 1,
      accounts: [{ id: '222222222222', regions: ['eu-west-1'] }],
      clusters: [
        { name: 'prod', services },
        { name: 'prod', account: '222222222222', services },
      ],
    });

    // Assess
    expect(config.clusters).toHaveLength(2);
  });
});
