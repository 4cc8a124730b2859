import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_SECONDS, screenTaskEvent } from '#shared/tasks/screen.js';
import { config, taskDetail, taskEvent } from '#test/support/builders.js';

const SENT = '2026-11-24T12:00:00Z';
const home = { account: '111122223333', region: 'us-east-1' };
const at = (secondsAfterSending: number) => new Date(Date.parse(SENT) + secondsAfterSending * 1000);
const whyOf = (verdict: ReturnType<typeof screenTaskEvent>) => (verdict.act ? undefined : verdict.why);

describe('Screening at its edges', () => {
  it('acts on an event exactly as old as the limit, and not a second older', () => {
    // Act
    const atLimit = screenTaskEvent(taskEvent(taskDetail(), SENT), config(), at(300), undefined);
    const past = screenTaskEvent(taskEvent(taskDetail(), SENT), config(), at(301), undefined);

    // Assess
    expect(atLimit.act).toBe(true);
    expect(whyOf(past)).toBe('stale: the event is 301 s old (limit 300 s); the reconciler converges instead');
  });

  it('acts on an event dated as far in the future as the clock skew allows, and not a second further', () => {
    // Act
    const within = screenTaskEvent(taskEvent(taskDetail(), SENT), config(), at(-MAX_CLOCK_SKEW_SECONDS), undefined);
    const beyond = screenTaskEvent(taskEvent(taskDetail(), SENT), config(), at(-31), undefined);

    // Assess
    expect(MAX_CLOCK_SKEW_SECONDS).toBe(30);
    expect(within.act).toBe(true);
    expect(whyOf(beyond)).toBe('dated 31 s in the future (clock skew allowed: 30 s): its age cannot be judged');
  });

  it('names a standalone task without a group, and keeps where it belongs', () => {
    // Act
    const verdict = screenTaskEvent(taskEvent(taskDetail({ group: undefined }), SENT), config(), at(1), undefined);

    // Assess
    expect(verdict).toEqual({
      act: false,
      why: 'standalone task (group "none"), not part of a service',
      subject: { clusterName: 'prod', taskArn: taskDetail().taskArn },
    });
  });

  it('says "none" for an event that names no account, and keeps where it belongs', () => {
    // Prepare
    const event = { ...taskEvent(taskDetail(), SENT), account: '' };

    // Act
    const verdict = screenTaskEvent(event, config(), at(1), undefined, home);

    // Assess
    expect(verdict).toEqual({
      act: false,
      why: "the event's account none is not ours (111122223333): another deployment acts on it",
      subject: { clusterName: 'prod', taskArn: taskDetail().taskArn },
    });
  });

  it('does not act on a cluster of another region, whatever its envelope says', () => {
    // Prepare
    const detail = taskDetail({ clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod' });

    // Act
    const verdict = screenTaskEvent(taskEvent(detail, SENT), config(), at(1), undefined, home);

    // Assess
    expect(whyOf(verdict)).toBe(
      "the event's cluster region eu-west-1 is not ours (us-east-1): another deployment acts on it",
    );
  });

  it('acts on an event from home, and carries the service’s task-failure policy', () => {
    // Act
    const verdict = screenTaskEvent(taskEvent(taskDetail(), SENT), config(), at(1), 4, home);

    // Assess
    expect(verdict).toEqual({
      act: true,
      subject: { clusterName: 'prod', serviceName: 'web', taskArn: taskDetail().taskArn },
      policy: { deregisterTargets: true, alertRoutineStops: false },
    });
  });

  it('keeps the service of a task it does not act on', () => {
    // Act
    const verdict = screenTaskEvent(taskEvent(taskDetail(), SENT), config(), at(1), 5);

    // Assess
    expect(verdict).toEqual({
      act: false,
      why: 'a duplicate: version 5, already handled 5',
      subject: { clusterName: 'prod', serviceName: 'web', taskArn: taskDetail().taskArn },
    });
  });
});
