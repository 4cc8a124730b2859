import { DescribeServicesCommand, ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { provisionWorld, receiveOutboxAlerts, targetsOf, type World } from '#local/world.js';
import { alarmConfig, CPU_HIGH, UNHEALTHY_HOSTS } from '#test/support/alarm-config.js';
import { loadEvent } from '#test/support/fixtures.js';
import { coldContainer } from '#test/support/functions.js';

const endpoint = inject('motoEndpoint');

const RULES = [
  UNHEALTHY_HOSTS,
  { ...CPU_HIGH, actionsSuppressed: 'ignore' },
  { alarmName: '-composite$', reaction: 'deregister-unhealthy' },
  { alarmName: '-cpu-anomaly$', reaction: 'scale-in' },
  { alarmName: '-notify$', reaction: 'notify-only' },
];
const CONFIG = alarmConfig(RULES, { web: { scaling: { minCount: 1, maxCount: 6 } }, ghost: {} });

/** The alarm's metric moved to another cluster and service than the world's own. */
function onService(event: ReturnType<typeof alarmStateChangeEvent>, clusterName: string, serviceName: string) {
  const [metric] = event.detail.configuration.metrics;
  if (metric) metric.metricStat.metric.dimensions = { ClusterName: clusterName, ServiceName: serviceName };
  return event;
}

describe('Function: alarm-state-change, alarms it only reports', () => {
  let world: World;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });
  const desiredCount = async (service: string) =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [service] }))).services?.[0]?.desiredCount;

  beforeEach(async () => {
    world = await provisionWorld(endpoint, {
      services: [
        { name: 'web', tasks: 2 },
        { name: 'api', tasks: 2 },
      ],
    });
  });

  it('reports an alarm on a target group no managed service uses, and changes nothing', async () => {
    // Prepare
    const tg = world.services.api?.targetGroupArns[0] as string;
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-api-unhealthy-hosts', subject: { targetGroupArn: tg } }),
    );

    // Assess
    expect(reaction.ignored).toBe('notify only: no managed service uses the target group');
    expect(reaction.reaction).toBe('notify-only');
    expect(reaction.alert?.kind).toBe('alarm/notify-only');
    expect(reaction.audit).toEqual([]);
    expect(await targetsOf(world, tg)).toHaveLength(2);
  });

  it('names the configured cluster AWS does not have when no managed service uses the target group', async () => {
    // Prepare
    const tg = world.services.api?.targetGroupArns[0] as string;
    const config = alarmConfig(RULES, {}, { prod: { web: {} }, staging: { web: {} } });
    const { react } = await coldContainer(world, 'alarm-state-change', config);

    // Act
    const reaction = await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-api-unhealthy-hosts', subject: { targetGroupArn: tg } }),
    );

    // Assess
    expect(reaction.ignored).toMatch(
      /^notify only: no managed service uses the target group \(the config and AWS disagree: cluster staging does not exist/,
    );
  });

  it("acts on a managed service's target group and notes the configured cluster AWS does not have", async () => {
    // Prepare
    const tg = world.services.web?.targetGroupArns[0] as string;
    const config = alarmConfig(RULES, {}, { prod: { web: {} }, staging: { web: {} } });
    const { react } = await coldContainer(world, 'alarm-state-change', config);

    // Act
    const reaction = await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-web-unhealthy-hosts', subject: { targetGroupArn: tg } }),
    );

    // Assess
    expect(reaction.service).toEqual({ clusterName: 'prod', serviceName: 'web' });
    expect(reaction.reaction).toBe('deregister-unhealthy');
    expect(reaction.plan?.notes).toContainEqual(
      expect.stringMatching(/^the config and AWS disagree: cluster staging does not exist/),
    );
  });

  it('reports an alarm on a configured service AWS does not have, and scales nothing', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = onService(
      alarmStateChangeEvent(world, { alarmName: 'prod-x-cpu-high', subject: { service: 'web' } }),
      'prod',
      'ghost',
    );

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.ignored).toBe('notify only: service ghost does not exist');
    expect(reaction.alert?.kind).toBe('alarm/notify-only');
    expect(await desiredCount('web')).toBe(2);
    expect(await desiredCount('api')).toBe(2);
  });

  it('reports an alarm on a service of a configured cluster AWS does not have', async () => {
    // Prepare
    const config = alarmConfig(
      RULES,
      {},
      { prod: { web: {} }, staging: { web: { scaling: { minCount: 1, maxCount: 4 } } } },
    );
    const { react } = await coldContainer(world, 'alarm-state-change', config);
    const event = onService(
      alarmStateChangeEvent(world, { alarmName: 'staging-web-cpu-high', subject: { service: 'web' } }),
      'staging',
      'web',
    );

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.ignored).toMatch(/^notify only: the config and AWS disagree: cluster staging does not exist/);
    expect(reaction.alert?.kind).toBe('alarm/notify-only');
  });

  it('leaves a service that carries ecs-autopilot:disabled alone, and says so in its alert', async () => {
    // Prepare
    await ecs.send(
      new TagResourceCommand({
        resourceArn: world.services.web?.serviceArn,
        tags: [{ key: 'ecs-autopilot:disabled', value: 'true' }],
      }),
    );
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' } }),
    );

    // Assess
    expect(reaction.ignored).toBe('notify only: the service carries ecs-autopilot:disabled');
    expect(reaction.service).toEqual({ clusterName: 'prod', serviceName: 'web' });
    expect(reaction.alert?.description).toContain('ecs-autopilot:disabled');
    expect(await desiredCount('web')).toBe(2);
  });

  it('acts on an alarm whose actions CloudWatch suppressed when the rule says to ignore the suppression', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' } });
    Object.assign(event.detail.state, { actionsSuppressedBy: 'Alarm' });

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.reaction).toBe('scale-out');
    expect(await desiredCount('web')).toBe(4);
  });

  it('says what CloudWatch suppressed without a reason, and changes nothing', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = alarmStateChangeEvent(world, { alarmName: 'prod-web-unhealthy-hosts', subject: { service: 'web' } });
    Object.assign(event.detail.state, { actionsSuppressedBy: 'ExtensionPeriod' });

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.reaction).toBe('suppressed');
    expect(reaction.ignored).toMatch(/^CloudWatch suppressed this alarm's actions \(ExtensionPeriod\); nothing/);
    expect((await receiveOutboxAlerts(world)).map((a) => a.kind)).toEqual(['alarm/suppressed']);
  });

  it('reports a composite alarm, which watches other alarms rather than one resource', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = loadEvent('alarm-composite') as ReturnType<typeof alarmStateChangeEvent>;
    // The published sample, as a fresh alarm of this deployment's own account.
    event.account = world.account;
    event.resources = event.resources.map((arn) => arn.replace(':111122223333:', `:${world.account}:`));
    event.detail.state.timestamp = new Date().toISOString().replace('Z', '+0000');

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.ignored).toBe('notify only: a composite alarm watches other alarms, not one resource');
    expect(reaction.alert?.kind).toBe('alarm/notify-only');
    expect(reaction.audit).toEqual([]);
  });

  it('scales neither way on an anomaly alarm whose event does not tell on which side the metric left its band', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = alarmStateChangeEvent(world, {
      alarmName: 'prod-web-cpu-anomaly',
      subject: { service: 'web' },
      reason: 'Thresholds Crossed: 1 out of the last 1 datapoints was outside the band',
    });
    Object.assign(event.detail.configuration, { comparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' });

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.plan).toEqual({
      actions: [],
      notes: [expect.stringMatching(/^not scaled: the alarm watches an anomaly band/)],
    });
    expect(reaction.service).toEqual({ clusterName: 'prod', serviceName: 'web' });
    expect(reaction.alert?.description).toMatch(/not scaled: the alarm watches an anomaly band/);
    expect(await desiredCount('web')).toBe(2);
  });

  it('says that nothing was done for an alarm a notify-only rule matches, with no reason to ignore it', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-web-notify', subject: { service: 'web' } }),
    );

    // Assess
    expect(reaction.ignored).toBeUndefined();
    expect(reaction.alert?.description.split('\n').slice(1)).toEqual([
      '*What ecs-autopilot did (notify-only):*',
      '• nothing',
    ]);
  });
});
