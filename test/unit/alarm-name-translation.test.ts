import { describe, expect, it } from 'vitest';
import { translateAlarmName } from '#shared/config/alarm-names.js';

describe('Alarm rules: translateAlarmName', () => {
  it.each([
    ['^prod\\.web-5xx$', ['prod.web-5xx']],
    ['^(?:web|api)-5xx$', ['web-5xx', 'api-5xx']],
    ['^web-(high|low)$', ['web-high', 'web-low']],
    ['^a.*.*b$', [{ wildcard: 'a*b' }]],
    ['^price\\$', [{ prefix: 'price$' }]],
    ['high$|^low', [{ suffix: 'high' }, { prefix: 'low' }]],
  ])('says %j in EventBridge matchers', (pattern, matchers) => {
    // Act & Assess
    expect(translateAlarmName(pattern)).toEqual({ matchers });
  });

  it.each([
    ['^prod-\\d$', 'a class'],
    ['^a.b$', 'any one character'],
    ['^(web|a.c)$', 'a group with more than literals'],
    ['^(web$', 'an unclosed group'],
    ['cpu\\*', 'a literal star, which a wildcard cannot say'],
    ['a\\', 'a trailing backslash'],
    ['^$', 'no literal at all'],
    ['^.*$', 'only a wildcard'],
  ])('lets every name through for %j (%s)', (pattern) => {
    // Act & Assess
    expect(translateAlarmName(pattern)).toEqual({
      why: `alarmName ${JSON.stringify(pattern)} is more than EventBridge's prefix, suffix and wildcard`,
    });
  });
});
