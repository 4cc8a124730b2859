import { describe, expect, it } from 'vitest';
import { alarmNameFilter, translateAlarmName } from '#shared/config/alarm-names.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';

const rule = (alarmName?: string) => AlarmRuleSchema.parse({ reaction: 'notify-only', alarmName });

describe('Config: the alarm rule pattern narrowed to the names the config acts on', () => {
  it.each([
    ['-cpu-high$', [{ suffix: '-cpu-high' }]],
    ['^prod-', [{ prefix: 'prod-' }]],
    ['^prod-web-cpu-high$', ['prod-web-cpu-high']],
    ['web', [{ wildcard: '*web*' }]],
    ['^prod-.*-high$', [{ wildcard: 'prod-*-high' }]],
    ['-(5xx-rate|latency|composite)$', [{ suffix: '-5xx-rate' }, { suffix: '-latency' }, { suffix: '-composite' }]],
    ['^a$|-b$', ['a', { suffix: '-b' }]],
    ['prod\\.web$', [{ suffix: 'prod.web' }]],
  ])('says %s as EventBridge matchers', (pattern, matchers) => {
    // Act
    const translated = translateAlarmName(pattern);

    // Assess
    expect(translated).toEqual({ matchers });
  });

  it.each([['.*'], ['cpu-(high|low)+$'], ['^prod-\\d+$'], ['[ab]-high'], ['(?i)cpu']])(
    'gives up on %s, which only a regular expression can say',
    (pattern) => {
      // Act
      const translated = translateAlarmName(pattern);

      // Assess
      expect(translated).toMatchObject({ why: expect.stringMatching(/more than EventBridge's|every alarm/) });
    },
  );

  it('narrows to the union of every rule, each matcher once', () => {
    // Act
    const filter = alarmNameFilter([rule('-cpu-high$'), rule('-unhealthy-hosts$'), rule('-cpu-high$')]);

    // Assess
    expect(filter).toEqual({ filter: [{ suffix: '-cpu-high' }, { suffix: '-unhealthy-hosts' }] });
  });

  it('lets every name through when one rule matches any alarm, and none when there is no rule', () => {
    // Act
    const catchAll = alarmNameFilter([rule('-cpu-high$'), rule(undefined)]);
    const none = alarmNameFilter([]);

    // Assess
    expect(catchAll).toEqual({ filter: undefined, why: 'a rule without alarmName matches every alarm' });
    expect(none).toEqual({ filter: [{ exists: false }] });
  });
});
