import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { provisionWorld, receiveOutbox, type World } from '#local/world.js';
import { alarmConfig } from '#test/support/alarm-config.js';
import { loadEvent } from '#test/support/fixtures.js';
import { coldContainer } from '#test/support/functions.js';

const endpoint = inject('motoEndpoint');

const CONFIG = alarmConfig(
  [
    { alarmName: '-composite$', reaction: 'deregister-unhealthy' },
    { alarmName: '-cpu-anomaly$', reaction: 'scale-out', cooldownSeconds: 0 },
    { alarmName: '-cpu-high$', reaction: 'scale-out' },
  ],
  { web: { scaling: { minCount: 1, maxCount: 6 } } },
);

describe('Function: alarm-state-change, before it acts', () => {
  let world: World;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });
  const desiredCount = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]?.desiredCount;

  beforeEach(async () => {
    world = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: 3 }] });
  });

  it('does not act on an alarm state older than events.maxAgeSeconds', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = alarmStateChangeEvent(world, {
      alarmName: 'prod-web-cpu-high',
      subject: { service: 'web' },
      at: '2023-03-01T08:00:00.000Z',
    });

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.ignored).toMatch(/^stale: the alarm state is \d+ s old \(limit 300 s\)/);
    expect(reaction.alert).toBeUndefined();
    expect(await desiredCount()).toBe(3);
  });

  it('scales in when an anomaly alarm reports the metric below its band, whatever the rule is called', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = alarmStateChangeEvent(world, {
      alarmName: 'prod-web-cpu-anomaly',
      subject: { service: 'web' },
      reason: 'Thresholds Crossed: 1 out of the last 1 datapoints [2.0] was less than the lower thresholds [20.0]',
    });
    Object.assign(event.detail.configuration, { comparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' });

    // Act
    const reaction = await react(event);

    // Assess
    expect(await desiredCount()).toBe(2);
    expect(reaction.alert?.kind).toBe('alarm/scale-in');
    expect(reaction.alert?.description).toMatch(/below its anomaly band/);
  });

  it('respects the actions CloudWatch suppressed on a composite alarm, and says so', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = loadEvent('alarm-composite') as ReturnType<typeof alarmStateChangeEvent>;
    const now = new Date().toISOString().replace('Z', '+0000');
    // The published sample, as an alarm of this deployment's own account.
    event.account = world.account;
    event.resources = event.resources.map((arn) => arn.replace(':111122223333:', `:${world.account}:`));
    Object.assign(event.detail.state, {
      timestamp: now,
      actionsSuppressedBy: 'WaitPeriod',
      actionsSuppressedReason: 'Actions suppressed by WaitPeriod',
    });

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.alert).toMatchObject({ kind: 'alarm/suppressed', severity: 'warning' });
    expect(reaction.alert?.description).toMatch(/CloudWatch suppressed this alarm's actions \(WaitPeriod: /);
    expect(reaction.audit).toEqual([]);
  });

  it('scales on an alarm with a megabyte reason and still queues its alert', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const reason = `Threshold Crossed: ${'9'.repeat(1_048_576)} was greater than the threshold (70.0)`;
    const event = alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' }, reason });

    // Act
    const reaction = await react(event);
    const queued = await receiveOutbox(world);

    // Assess
    expect(await desiredCount()).toBe(4);
    expect(queued).toHaveLength(1);
    expect(queued[0]?.body).toMatch(/more characters truncated\]/);
    expect(queued[0]?.body).toMatch(/from 3 to 4/);
    expect(reaction.audit.map((r) => r.outcome)).toContain('applied');
  });
});
