import { describe, expect, it } from 'vitest';
import { cooldownKey, episodeKey, episodeOf } from '#shared/alarms/episode.js';
import { partitionAt } from '#shared/config/places.js';
import type { AlarmStateChangeEvent } from '#shared/events/alarm-state-change.js';
import { targetGroupLeaseKey } from '#shared/executor/target-group-lease.js';
import { crashLoopPartition } from '#shared/tasks/crash-loop/hook.js';
import { crashLoopIncidentId } from '#shared/tasks/crash-loop/report.js';

const HOME = { account: '111111111111', region: 'us-east-1' };
const MEMBER = { account: '222222222222', region: 'us-east-1' };
const OTHER_REGION = { account: '111111111111', region: 'eu-west-1' };
const service = { clusterName: 'prod', serviceName: 'web' };

describe('State keys by place', () => {
  it("keeps home's partition as it was before several places were known", () => {
    // Act
    const key = partitionAt('service#prod/web', HOME, HOME);

    // Assess
    expect(key).toBe('service#prod/web');
  });

  it("names another account's and another region's partition by its place", () => {
    // Act
    const member = partitionAt('service#prod/web', MEMBER, HOME);
    const region = partitionAt('service#prod/web', OTHER_REGION, HOME);

    // Assess
    expect(member).toBe('222222222222/us-east-1#service#prod/web');
    expect(region).toBe('111111111111/eu-west-1#service#prod/web');
  });

  it('keys the cooldowns of same-named services in two places apart, and home as before', () => {
    // Act
    const atHome = cooldownKey(service, { place: HOME, home: HOME }, 'out');
    const atMember = cooldownKey(service, { place: MEMBER, home: HOME }, 'out');
    const unplaced = cooldownKey(service, undefined, 'out');

    // Assess
    expect(atHome).toEqual({ pk: 'service#prod/web', sk: 'cooldown#scale-out' });
    expect(unplaced).toEqual(atHome);
    expect(atMember).toEqual({ pk: '222222222222/us-east-1#service#prod/web', sk: 'cooldown#scale-out' });
  });

  it('keys the crash-loop counters of same-named services in two places apart, and home as before', () => {
    // Prepare
    const stops = { cluster: 'prod', service: 'web', home: HOME };

    // Act
    const atHome = crashLoopPartition({ ...stops, ...HOME });
    const atMember = crashLoopPartition({ ...stops, ...MEMBER });
    const inOtherRegion = crashLoopPartition({ ...stops, ...OTHER_REGION });
    const withoutHome = crashLoopPartition({ cluster: 'prod', service: 'web', ...MEMBER });

    // Assess
    expect(atHome).toBe('crash-loop/prod/web');
    expect(atMember).toBe('222222222222/us-east-1#crash-loop/prod/web');
    expect(inOtherRegion).toBe('111111111111/eu-west-1#crash-loop/prod/web');
    expect(withoutHome).toBe('crash-loop/prod/web');
  });

  it("names a member's crash-loop incident by its place, and home's as before", () => {
    // Prepare
    const service = { cluster: 'prod', service: 'web', home: HOME };

    // Act
    const atHome = crashLoopIncidentId({ ...service, ...HOME }, 'web:43');
    const atMember = crashLoopIncidentId({ ...service, ...MEMBER }, 'web:43');

    // Assess
    expect(atHome).toBe('crash-loop/prod/web/web:43');
    expect(atMember).toBe('crash-loop/222222222222/us-east-1/prod/web/web:43');
  });

  it("names an alarm episode's place through the alarm's ARN, whatever the alarm's name", () => {
    // Prepare
    const eventAt = (place: typeof HOME) =>
      ({
        account: place.account,
        region: place.region,
        resources: [`arn:aws:cloudwatch:${place.region}:${place.account}:alarm:web-5xx`],
        detail: { alarmName: 'web-5xx', state: { timestamp: '2026-11-26T10:00:00.000+0000' } },
      }) as unknown as AlarmStateChangeEvent;

    // Act
    const home = episodeKey(episodeOf(eventAt(HOME)), 'scale-out');
    const member = episodeKey(episodeOf(eventAt(MEMBER)), 'scale-out');

    // Assess
    expect(home.pk).toBe('alarm#arn:aws:cloudwatch:us-east-1:111111111111:alarm:web-5xx');
    expect(member.pk).not.toBe(home.pk);
  });

  it("names a target group lease's place through the target group's ARN", () => {
    // Prepare
    const arnAt = (place: typeof HOME) =>
      `arn:aws:elasticloadbalancing:${place.region}:${place.account}:targetgroup/web/0123456789abcdef`;

    // Act
    const home = targetGroupLeaseKey(arnAt(HOME));
    const member = targetGroupLeaseKey(arnAt(MEMBER));

    // Assess
    expect(home.pk).toContain('111111111111');
    expect(member.pk).toContain('222222222222');
    expect(member.pk).not.toBe(home.pk);
  });
});
