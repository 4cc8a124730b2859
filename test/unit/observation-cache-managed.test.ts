import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import {
  createObservationCache,
  observeOtherManagedServices,
  observeServiceState,
} from '#shared/services/observation-cache.js';
import { recordingEcs } from '#test/support/recording-ecs.js';

/** An ECS client that lists `listed` and describes every service asked for as active, recording what it was sent. */
function describingEcs(listed: string[] = []) {
  return recordingEcs({
    ListServices: () => ({ serviceArns: listed.map((s) => `arn:aws:ecs:us-east-1:1:service/prod/${s}`) }),
    DescribeServices: (input) => ({
      services: (input.services as string[]).map((serviceName) => ({ serviceName, status: 'ACTIVE' })),
    }),
  });
}

const configOf = (services: Array<{ name: string; enabled?: boolean }>) =>
  parseConfig({ version: 1, clusters: [{ name: 'prod', services }] });

describe('observation-cache: the other managed services of a cluster', () => {
  it('asks nothing when the config names no other enabled service of the cluster', async () => {
    // Prepare
    const { ecs, sent } = describingEcs();
    const cache = createObservationCache();

    // Act
    const alone = await observeOtherManagedServices(ecs, cache, configOf([{ name: 'web' }]), 'prod', 'web');
    const offOnly = await observeOtherManagedServices(
      ecs,
      cache,
      configOf([{ name: 'web' }, { name: 'admin', enabled: false }]),
      'prod',
      'web',
    );
    const elsewhere = await observeOtherManagedServices(ecs, cache, configOf([{ name: 'web' }]), 'other', 'web');

    // Assess
    expect([alone, offOnly, elsewhere]).toEqual([[], [], []]);
    expect(sent).toEqual([]);
  });

  it('describes the named services ten a call, once for every service of the cluster, leaving out the asking one', async () => {
    // Prepare
    const names = [...Array(12).keys()].map((i) => `s${i}`);
    const { ecs, sent } = describingEcs();
    const cache = createObservationCache();
    const config = configOf([...names.map((name) => ({ name })), { name: 'off', enabled: false }]);

    // Act
    const fromS0 = await observeOtherManagedServices(ecs, cache, config, 'prod', 's0');
    const fromS5 = await observeOtherManagedServices(ecs, cache, config, 'prod', 's5');

    // Assess
    expect(sent.map((s) => [s.command, s.input.services])).toEqual([
      ['DescribeServices', names.slice(0, 10)],
      ['DescribeServices', names.slice(10)],
    ]);
    expect(fromS0.map((s) => s.serviceName)).toEqual(names.slice(1));
    expect(fromS5.map((s) => s.serviceName)).toEqual(names.filter((n) => n !== 's5'));
  });

  it('keeps each service it described as that service’s own description, and one it did not as before', async () => {
    // Prepare
    const { ecs, sent } = describingEcs();
    const cache = createObservationCache();
    await observeOtherManagedServices(ecs, cache, configOf([{ name: 'web' }, { name: 'admin' }]), 'prod', 'web');

    // Act
    const admin = await observeServiceState(ecs, cache, 'prod', 'admin');
    const other = await observeServiceState(ecs, cache, 'prod', 'other');

    // Assess
    expect(admin?.serviceName).toBe('admin');
    expect(other?.serviceName).toBe('other');
    expect(sent.map((s) => s.input.services)).toEqual([['web', 'admin'], ['other']]);
  });

  it("lists the cluster for its wildcard, without the services the config switches off, and asks again for another config's", async () => {
    // Prepare
    const { ecs, sent } = describingEcs(['web', 'admin', 'batch']);
    const cache = createObservationCache();
    const wildcard = configOf([{ name: '*' }, { name: 'batch', enabled: false }]);

    // Act
    const others = await observeOtherManagedServices(ecs, cache, wildcard, 'prod', 'web');
    const named = await observeOtherManagedServices(
      ecs,
      cache,
      configOf([{ name: 'web' }, { name: 'admin' }]),
      'prod',
      'web',
    );

    // Assess
    expect(sent.map((s) => s.command)).toEqual(['ListServices', 'DescribeServices', 'DescribeServices']);
    expect(sent[1]?.input.services).toEqual(['web', 'admin']);
    expect(others.map((s) => s.serviceName)).toEqual(['admin']);
    expect(named.map((s) => s.serviceName)).toEqual(['admin']);
  });
});
