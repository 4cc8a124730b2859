import { describe, expect, it } from 'vitest';
import type { AutopilotConfig } from '#shared/config/schema.js';
import { actingPlace, homeAndElsewhere, inEveryPlace } from '#shared/lambda/places.js';
import type { Alert } from '#shared/notify/alert.js';
import { ACCOUNT, config, REGION } from '#test/support/builders.js';

const MEMBER = '444455556666';
const home = { account: ACCOUNT, region: REGION };
const occurredAt = '2026-11-26T10:00:00.000Z';

/** Home with its cluster, and a member account in two regions, each with a cluster of its own named alike. */
const spread = config({
  accounts: [{ id: MEMBER, regions: ['eu-west-1', 'eu-central-1'] }],
  clusters: [
    { name: 'prod', services: [{ name: 'web' }] },
    { name: 'prod', account: MEMBER, region: 'eu-west-1', services: [{ name: 'api' }] },
    { name: 'prod', account: MEMBER, region: 'eu-central-1', services: [{ name: 'batch' }] },
  ],
});

const servicesOf = (c: AutopilotConfig) => c.clusters.flatMap((cluster) => cluster.services.map((s) => s.name));

describe('Lambda: inEveryPlace', () => {
  it('runs the work in every place with the config of that place, home first', async () => {
    // Prepare
    const sent: Alert[] = [];

    // Act
    const runs = await inEveryPlace(spread, home, async (_reach, here) => servicesOf(here), {
      what: 'reconciler',
      occurredAt,
      send: async (alert) => {
        sent.push(alert);
      },
    });

    // Assess
    expect(runs.map((r) => [r.place.account, r.place.region, r.result])).toEqual([
      [ACCOUNT, REGION, ['web']],
      [MEMBER, 'eu-west-1', ['api']],
      [MEMBER, 'eu-central-1', ['batch']],
    ]);
    expect(sent).toEqual([]);
  });

  it('reports a member place that fails and goes on with the others', async () => {
    // Prepare
    const sent: Alert[] = [];

    // Act
    const runs = await inEveryPlace(
      spread,
      home,
      async (reach) => {
        if (reach.region === 'eu-west-1')
          throw Object.assign(new Error('not authorized to assume'), { name: 'AccessDenied' });
        return reach.region;
      },
      { what: 'reconciler', occurredAt, send: async (alert) => void sent.push(alert) },
    );

    // Assess
    expect(runs.map((r) => r.result ?? r.unreachable?.title)).toEqual([REGION, sent[0]?.title, 'eu-central-1']);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.description).toMatch(/AccessDenied: not authorized to assume/);
    expect(sent[0]?.description).toMatch(`arn:aws:iam::${MEMBER}:role/ecs-autopilot-member`);
  });

  it('reports a member place that fails with something other than an Error by what it threw', async () => {
    // Prepare
    const sent: Alert[] = [];

    // Act
    await inEveryPlace(
      spread,
      home,
      async (reach) => {
        if (reach.region === 'eu-central-1') throw 'throttled';
        return reach.region;
      },
      { what: 'reconciler', occurredAt, send: async (alert) => void sent.push(alert) },
    );

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]?.description).toMatch(/Error: throttled/);
  });

  it('throws the failure at home once every other place is done, so that Lambda retries the run', async () => {
    // Prepare
    const done: string[] = [];
    const atHome = new Error('home is throttled');

    // Act
    const run = inEveryPlace(
      spread,
      home,
      async (reach) => {
        if (reach.account === ACCOUNT) throw atHome;
        await new Promise((resolve) => setTimeout(resolve, 5));
        done.push(reach.region);
      },
      { what: 'reconciler', occurredAt, send: async () => undefined },
    );

    // Assess
    await expect(run).rejects.toBe(atHome);
    expect(done.sort()).toEqual(['eu-central-1', 'eu-west-1']);
  });
});

describe('Lambda: homeAndElsewhere', () => {
  it("sets home's result apart and lists each other place with its result or why it could not act", () => {
    // Prepare
    const runs = [
      { place: { ...home }, result: 3 },
      { place: { account: MEMBER, region: 'eu-west-1' }, result: 1 },
      {
        place: { account: MEMBER, region: 'eu-central-1' },
        unreachable: { title: 'reconciler could not act' } as Alert,
      },
    ];

    // Act
    const split = homeAndElsewhere(runs, home);

    // Assess
    expect(split).toEqual({
      atHome: 3,
      elsewhere: [
        { account: MEMBER, region: 'eu-west-1', run: 1 },
        { account: MEMBER, region: 'eu-central-1', unreachable: 'reconciler could not act' },
      ],
    });
  });
});

describe('Lambda: actingPlace', () => {
  it("acts on an event where it happened, with that place's config", () => {
    // Act
    const { reach, config: here } = actingPlace(spread, home, { account: MEMBER, region: 'eu-central-1' });

    // Assess
    expect(reach).toEqual({
      account: MEMBER,
      region: 'eu-central-1',
      role: { arn: `arn:aws:iam::${MEMBER}:role/ecs-autopilot-member` },
    });
    expect(servicesOf(here)).toEqual(['batch']);
  });

  it("acts on an event from a place the config does not list at home, with home's config", () => {
    // Act
    const { reach, config: here } = actingPlace(spread, home, { account: '999999999999', region: 'us-west-2' });

    // Assess
    expect(reach).toEqual(home);
    expect(servicesOf(here)).toEqual(['web']);
  });
});
