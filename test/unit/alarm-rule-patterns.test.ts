import { describe, expect, it } from 'vitest';
import { matchAlarmRule } from '#shared/alarms/resolve.js';
import { ConfigError, parseConfig } from '#shared/config/load.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';

const clusters = [{ name: 'prod', services: [{ name: 'web' }] }];

function alarmNamed(alarmName: string) {
  const event = loadEvent('alarm-service-cpu-high') as { detail: { alarmName: string } };
  event.detail.alarmName = alarmName;
  return v.safeParse(AlarmStateChangeEventSchema, event);
}

describe('Alarm rules: name patterns', () => {
  it('refuses a nested-quantifier pattern, saying how it would backtrack', () => {
    // Act: a backtracking engine needs 2^n steps for `a…a!` with this pattern.
    const attempt = () =>
      parseConfig({ version: 1, alarms: [{ alarmName: '^(a+)+$', reaction: 'notify-only' }], clusters });

    // Assess
    expect(attempt).toThrow(
      /alarms\[0\]\.alarmName: a regular expression that cannot backtrack catastrophically: .*exponential/,
    );
  });

  it('matches an accepted wildcard pattern against a long adversarial name', () => {
    // Prepare
    const config = parseConfig({
      version: 1,
      alarms: [{ alarmName: '^prod-.*-5xx$', reaction: 'notify-only' }],
      clusters,
    });
    const parsed = alarmNamed(`prod-${'-5x'.repeat(83)}!`);
    if (!parsed.success) throw new v.ValiError(parsed.issues);

    // Act
    const rule = matchAlarmRule(config.alarms, parsed.output);

    // Assess
    expect(rule).toBeUndefined();
  });

  it('refuses patterns that need backtracking, with the reason', () => {
    // Act
    const attempt = () =>
      parseConfig({ version: 1, alarms: [{ alarmName: '^(a)\\1$', reaction: 'notify-only' }], clusters });

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/alarms\[0\]\.alarmName: a regular expression RE2 accepts .*invalid escape/);
  });

  it('refuses an alarm name longer than CloudWatch allows', () => {
    expect(alarmNamed('a'.repeat(256)).success).toBe(false);
    expect(alarmNamed('a'.repeat(255)).success).toBe(true);
  });
});
