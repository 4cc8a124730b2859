import { describe, expect, it } from 'vitest';
import { breachOf, isBandAlarm, scalingDirection } from '#shared/alarms/direction.js';
import { episodeKey, episodeOf } from '#shared/alarms/episode.js';
import { alarmEpisode, alarmStaleness, matchAlarmRule, resolveAlarmResource } from '#shared/alarms/resolve.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';
import type { AlarmDetail } from '#shared/events/alarm-state-change.js';
import { alarmEvent, TG_DIM } from '#test/support/alarm-events.js';

const LB = 'app/web-alb/50dc6c495c0c9188';

/** An alarm's detail with the given comparison, threshold metric, expressions, reason and reason data. */
function detail(
  options: {
    operator?: string;
    thresholdMetricId?: string;
    expression?: string;
    reason?: string;
    data?: Record<string, unknown>;
  } = {},
): AlarmDetail {
  const event = alarmEvent({ ClusterName: 'prod', ServiceName: 'web' });
  const { configuration, state } = event.detail;
  if (options.operator) configuration.comparisonOperator = options.operator;
  if (options.thresholdMetricId) configuration.thresholdMetricId = options.thresholdMetricId;
  if (options.expression) configuration.metrics?.push({ id: 'ad1', expression: options.expression });
  state.reason = options.reason ?? 'Thresholds Crossed: 1 out of the last 1 datapoints was outside the band';
  state.reasonData = options.data && JSON.stringify(options.data);
  return event.detail;
}

describe('Function: isBandAlarm', () => {
  it.each([
    ['a two-sided band comparison', { operator: 'LessThanLowerOrGreaterThanUpperThreshold' }, true],
    ['a lower band comparison', { operator: 'LessThanLowerThreshold' }, true],
    ['an upper band comparison', { operator: 'GreaterThanUpperThreshold' }, true],
    ['a threshold metric without comparison', { thresholdMetricId: 'ad1' }, true],
    ['a band expression without comparison', { expression: 'anomaly_detection_band(m1, 2)' }, true],
    [
      'a static comparison, whatever its expressions',
      { operator: 'GreaterThanThreshold', expression: 'ANOMALY_DETECTION_BAND(m1)' },
      false,
    ],
    ['an alarm without comparison, threshold metric or band', {}, false],
  ])('reads %s', (_, options, band) => {
    // Assess
    expect(isBandAlarm(detail(options))).toBe(band);
  });
});

describe('Function: breachOf', () => {
  it.each([
    ['GreaterThanThreshold', 'above'],
    ['LessThanOrEqualToThreshold', 'below'],
  ])('takes the side of the comparison %s, saying so', (operator, breach) => {
    // Assess
    expect(breachOf(detail({ operator }))).toEqual({ breach, evidence: `comparison ${operator}` });
  });

  it.each([
    [
      'above the upper band',
      { recentDatapoints: [60], recentLowerThresholds: [10], recentUpperThresholds: [50] },
      'above',
    ],
    ['above a band without a lower edge', { recentDatapoints: [60], recentUpperThresholds: [50] }, 'above'],
    ['below a band without an upper edge', { recentDatapoints: [5], recentLowerThresholds: [10] }, 'below'],
    [
      'above, past datapoints that are no numbers',
      { recentDatapoints: [null, 60], recentLowerThresholds: [10, 10], recentUpperThresholds: [50, 50] },
      'above',
    ],
    ['above a static threshold', { recentDatapoints: [60, 70], threshold: 50 }, 'above'],
    ['below a static threshold', { recentDatapoints: [5, 7], threshold: 50 }, 'below'],
  ])('reads a breach %s from the reason data', (_, data, breach) => {
    // Assess
    expect(breachOf(detail({ data }))).toEqual({ breach, evidence: 'the datapoints in the reason data' });
  });

  it.each([
    [
      'datapoints on the edges of the band',
      { recentDatapoints: [50, 10], recentLowerThresholds: [10, 10], recentUpperThresholds: [50, 50] },
    ],
    ['datapoints on both sides of a static threshold', { recentDatapoints: [40, 60], threshold: 50 }],
    ['a static threshold and no datapoints', { recentDatapoints: [], threshold: 50 }],
    ['datapoints without any threshold', { recentDatapoints: [60] }],
    ['datapoints on and above a static threshold', { recentDatapoints: [50, 60], threshold: 50 }],
    ['datapoints on and below a static threshold', { recentDatapoints: [50, 40], threshold: 50 }],
    [
      'datapoints on both sides of the band, whatever the static threshold',
      { recentDatapoints: [60, 5], recentLowerThresholds: [10, 10], recentUpperThresholds: [50, 50], threshold: 1 },
    ],
  ])('tells no side from %s', (_, data) => {
    // Assess
    expect(breachOf(detail({ data }))).toBeUndefined();
  });

  it('reads no side from a static threshold when the comparison is two-sided', () => {
    // Assess
    expect(
      breachOf(
        detail({
          operator: 'LessThanLowerOrGreaterThanUpperThreshold',
          data: { recentDatapoints: [60], threshold: 50 },
        }),
      ),
    ).toBeUndefined();
  });

  it.each([
    ['greater than the threshold (60.0)', 'above'],
    ['greater than the upper threshold [60.0]', 'above'],
    ['greater than or equal to the upper thresholds [60.0]', 'above'],
    ['less than the lower thresholds [10.0]', 'below'],
    ['less than the lower threshold [10.0]', 'below'],
    ['less than the thresholds [10.0]', 'below'],
    ['less than or equal to the threshold (10.0)', 'below'],
  ])('reads "%s" in the reason as a breach %s', (words, breach) => {
    // Assess
    expect(breachOf(detail({ reason: `1 datapoint [x] was ${words}` }))).toEqual({
      breach,
      evidence: 'the state reason',
    });
  });

  it('reads no side from a reason that denies one', () => {
    // Assess
    expect(
      breachOf(detail({ reason: '1 datapoint [40.0] was not greater than the upper thresholds [60.0]' })),
    ).toBeUndefined();
  });
});

describe('Function: scalingDirection', () => {
  it("keeps a scale-in rule's direction on an ordinary alarm", () => {
    // Assess
    expect(scalingDirection(detail({ operator: 'GreaterThanThreshold' }), 'scale-in')).toEqual({ direction: 'in' });
  });
});

describe('Alarms: resolveAlarmResource, metrics that do not name one resource', () => {
  const metric = (dimensions: Record<string, string>, id = 'm1') => ({
    id,
    metricStat: { metric: { namespace: 'AWS/ApplicationELB', name: 'RequestCount', dimensions } },
  });

  it.each([
    ['a target group without its load balancer', { TargetGroup: TG_DIM }],
    ['a load balancer without its target group', { LoadBalancer: LB }],
    ['a cluster without its service', { ClusterName: 'prod' }],
    ['a service without its cluster', { ServiceName: 'web' }],
  ])('resolves nothing from %s', (_, dimensions) => {
    // Assess
    expect(resolveAlarmResource(alarmEvent(dimensions)).kind).toBe('none');
  });

  it('says that an alarm of expressions only names no metric', () => {
    // Prepare
    const event = alarmEvent({}, { configuration: { metrics: [{ id: 'e1', expression: 'SERVICE_QUOTA(m1)' }] } });

    // Assess
    expect(resolveAlarmResource(event)).toEqual({ kind: 'none', why: 'the alarm names no metric with dimensions' });
  });

  it('resolves nothing when one of its metrics names no resource', () => {
    // Prepare
    const event = alarmEvent(
      {},
      {
        configuration: {
          metrics: [metric({ TargetGroup: TG_DIM, LoadBalancer: LB }), metric({ InstanceId: 'i-1' }, 'm2')],
        },
      },
    );

    // Assess
    expect(resolveAlarmResource(event)).toMatchObject({
      kind: 'none',
      why: expect.stringMatching(/^its metrics do not name/),
    });
  });

  it('resolves nothing when its metrics name two target groups', () => {
    // Prepare
    const other = 'targetgroup/api-tg/fedcba9876543210';
    const event = alarmEvent(
      {},
      {
        configuration: {
          metrics: [
            metric({ TargetGroup: TG_DIM, LoadBalancer: LB }),
            metric({ TargetGroup: other, LoadBalancer: LB }, 'm2'),
          ],
        },
      },
    );

    // Assess
    expect(resolveAlarmResource(event)).toEqual({ kind: 'none', why: 'its metrics span more than one resource' });
  });
});

describe('Alarms: matchAlarmRule, tags', () => {
  it('matches a tag rule only when every tag it names has its value', () => {
    // Prepare
    const rules = [AlarmRuleSchema.parse({ alarmTags: { team: 'web', tier: 'prod' }, reaction: 'scale-out' })];

    // Act
    const some = matchAlarmRule(rules, alarmEvent({}, { alarmTags: { team: 'web' } }));
    const wrong = matchAlarmRule(rules, alarmEvent({}, { alarmTags: { team: 'web', tier: 'dev' } }));
    const all = matchAlarmRule(rules, alarmEvent({}, { alarmTags: { team: 'web', tier: 'prod', x: 'y' } }));

    // Assess
    expect([some, wrong, all?.reaction]).toEqual([undefined, undefined, 'scale-out']);
  });
});

describe('Alarms: episodes', () => {
  const recovered = alarmEvent(
    {},
    {
      state: { value: 'OK', timestamp: '2026-11-24T12:10:00.000+0000' },
      previousState: { value: 'ALARM', timestamp: '2026-11-24T12:00:00.000+0000' },
    },
  );

  it('dates an episode by the ALARM state, from the ALARM itself or from its recovery', () => {
    // Assess
    expect(alarmEpisode(alarmEvent({}))).toBe('2026-11-24T12:00:00.000+0000');
    expect(alarmEpisode(recovered)).toBe('2026-11-24T12:00:00.000+0000');
  });

  it("names an episode by the alarm's ARN, or builds the ARN when the event names none", () => {
    // Prepare
    const bare = { ...alarmEvent({}), resources: [] };

    // Assess
    expect(episodeOf(alarmEvent({}))).toEqual({
      alarm: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-unhealthy',
      startedAt: '2026-11-24T12:00:00.000+0000',
    });
    expect(episodeOf(bare).alarm).toBe('arn:aws:cloudwatch:us-east-1:111122223333:alarm:prod-web-unhealthy-hosts');
  });

  it("keeps each decision of an episode, and each episode's, under its own key", () => {
    // Prepare
    const episode = episodeOf(alarmEvent({}));
    const later = { ...episode, startedAt: '2026-11-24T13:00:00.000+0000' };

    // Act
    const keys = [episodeKey(episode, 'scale-out'), episodeKey(episode, 'deregister'), episodeKey(later, 'scale-out')];

    // Assess
    expect(new Set(keys.map((k) => `${k.pk}|${k.sk}`)).size).toBe(3);
    expect(new Set(keys.map((k) => k.pk)).size).toBe(1);
  });
});

describe('Alarms: alarmStaleness, edges', () => {
  const event = alarmEvent({});
  const startedAt = Date.parse('2026-11-24T12:00:00.000Z');

  it('takes a state exactly as old as the limit', () => {
    // Assess
    expect(alarmStaleness(event, new Date(startedAt + 300_000), 300)).toBeUndefined();
  });

  it('refuses a state dated beyond clock skew in the future', () => {
    // Assess
    expect(alarmStaleness(event, new Date(startedAt - 600_000), 300)).toMatch(
      /^future-dated: the alarm state is dated 600 s/,
    );
  });
});
