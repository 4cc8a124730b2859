import { describe, expect, it } from 'vitest';
import { foreignOrigin, MAX_CLOCK_SKEW_SECONDS, untrustedTime } from '#shared/events/origin.js';

const home = { account: '111122223333', region: 'us-east-1' };
const event = { account: '111122223333', region: 'us-east-1', time: '2026-11-24T12:00:00Z' };

describe('Events: foreignOrigin', () => {
  it('accepts an event of this account and region whose resources are ours too', () => {
    // Act
    const why = foreignOrigin(event, home, ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:prod-web-cpu-high']);

    // Assess
    expect(why).toBeUndefined();
  });

  it('refuses an event of another account, another region, or naming a resource of either', () => {
    // Act
    const account = foreignOrigin({ ...event, account: '999988887777' }, home);
    const region = foreignOrigin({ ...event, region: 'eu-west-1' }, home);
    const resource = foreignOrigin(event, home, ['arn:aws:ecs:eu-west-1:111122223333:service/prod/web']);

    // Assess
    expect(account).toBe("the event's account 999988887777 is not ours (111122223333): another deployment acts on it");
    expect(region).toMatch(/region eu-west-1 is not ours \(us-east-1\)/);
    expect(resource).toMatch(/resource arn:aws:ecs:eu-west-1:111122223333:service\/prod\/web: region eu-west-1/);
  });

  it('reads nothing into a global resource ARN without region or account', () => {
    // Act
    const why = foreignOrigin(event, home, ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:s3:::bucket']);

    // Assess
    expect(why).toBeUndefined();
  });
});

describe('Events: untrustedTime', () => {
  const now = new Date('2026-11-24T12:00:00Z');

  it('allows clock skew up to its bound and no more', () => {
    // Act
    const within = untrustedTime(new Date(now.getTime() + MAX_CLOCK_SKEW_SECONDS * 1000).toISOString(), now);
    const beyond = untrustedTime('2026-11-24T12:05:00Z', now);

    // Assess
    expect(within).toBeUndefined();
    expect(beyond).toBe('dated 300 s in the future (clock skew allowed: 30 s): its age cannot be judged');
  });

  it('refuses a time that is not one', () => {
    // Assess
    expect(untrustedTime('yesterday', now)).toMatch(/is not a time/);
  });
});
