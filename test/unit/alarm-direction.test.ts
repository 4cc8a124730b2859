import { describe, expect, it } from 'vitest';
import { breachOf, scalingDirection } from '#shared/alarms/direction.js';
import { alarmStaleness } from '#shared/alarms/resolve.js';
import { type AlarmStateChangeEvent, AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';

/** The service CPU sample, turned into an anomaly-detection alarm with the given comparison and evidence. */
function bandAlarm(
  options: { operator?: string; reason?: string; reasonData?: Record<string, unknown>; expression?: boolean } = {},
): AlarmStateChangeEvent {
  const event = loadEvent('alarm-service-cpu-high') as {
    detail: { configuration: Record<string, unknown>; state: Record<string, unknown> };
  };
  const configuration = event.detail.configuration as { metrics: Array<Record<string, unknown>> };
  if (options.operator) event.detail.configuration.comparisonOperator = options.operator;
  if (options.expression !== false) {
    configuration.metrics.push({ id: 'ad1', expression: 'ANOMALY_DETECTION_BAND(m1, 2)', returnData: true });
  }
  event.detail.state.reason =
    options.reason ?? 'Thresholds Crossed: 1 out of the last 1 datapoints was outside the band';
  event.detail.state.reasonData = options.reasonData ? JSON.stringify(options.reasonData) : undefined;
  return v.parse(AlarmStateChangeEventSchema, event);
}

describe('Alarms: breach direction', () => {
  it('scales in, not out, when the metric broke below a two-sided anomaly band', () => {
    // Prepare
    const event = bandAlarm({
      operator: 'LessThanLowerOrGreaterThanUpperThreshold',
      reasonData: { recentDatapoints: [3.0, 4.0], recentLowerThresholds: [10, 11], recentUpperThresholds: [50, 52] },
    });

    // Act
    const decided = scalingDirection(event.detail, 'scale-out');

    // Assess
    expect(decided).toMatchObject({ direction: 'in', because: expect.stringMatching(/below its anomaly band/) });
  });

  it('scales out when the metric broke above the band, read from the reason text', () => {
    // Prepare
    const event = bandAlarm({
      reason: 'Thresholds Crossed: 1 out of the last 1 datapoints [90.0] was greater than the upper thresholds [60.0]',
    });

    // Act & Assess
    expect(scalingDirection(event.detail, 'scale-in').direction).toBe('out');
  });

  it.each([
    ['GreaterThanUpperThreshold', 'above'],
    ['LessThanLowerThreshold', 'below'],
    ['GreaterThanOrEqualToThreshold', 'above'],
    ['LessThanThreshold', 'below'],
  ])('reads the comparison %s as a breach %s', (operator, breach) => {
    expect(breachOf(bandAlarm({ operator, expression: false }).detail)?.breach).toBe(breach);
  });

  it('refuses to scale on a band alarm whose side cannot be told, and says why', () => {
    // Prepare
    const event = bandAlarm({
      operator: 'LessThanLowerOrGreaterThanUpperThreshold',
      reasonData: { recentDatapoints: [3.0, 90.0], recentLowerThresholds: [10, 10], recentUpperThresholds: [50, 50] },
    });

    // Act
    const decided = scalingDirection(event.detail, 'scale-out');

    // Assess
    expect(decided).toEqual({ direction: undefined, why: expect.stringMatching(/^not scaled: .*anomaly band/) });
  });

  it("keeps an ordinary threshold alarm's configured reaction", () => {
    // Prepare
    const event = v.parse(AlarmStateChangeEventSchema, loadEvent('alarm-service-cpu-high'));

    // Act & Assess
    expect(scalingDirection(event.detail, 'scale-out')).toEqual({ direction: 'out' });
  });
});

describe('Alarms: event age', () => {
  it('refuses an alarm state older than events.maxAgeSeconds, and takes one inside it', () => {
    // Prepare: the sample's state began at 2026-11-24T12:00:00.123+0000
    const event = v.parse(AlarmStateChangeEventSchema, loadEvent('alarm-service-cpu-high'));

    // Act
    const old = alarmStaleness(event, new Date('2029-01-01T00:00:00Z'), 300);
    const fresh = alarmStaleness(event, new Date('2026-11-24T12:04:00Z'), 300);

    // Assess
    expect(old).toMatch(/^stale: the alarm state is \d+ s old \(limit 300 s\)/);
    expect(fresh).toBeUndefined();
  });
});
