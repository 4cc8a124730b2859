import { describe, expect, it } from 'vitest';
import { screenTaskEvent } from '#shared/tasks/screen.js';
import { config, taskDetail, taskEvent } from '#test/support/builders.js';

const now = new Date('2026-11-24T12:01:00Z');

describe('Screening: screenTaskEvent', () => {
  it('acts on a stopping task of a managed service', () => {
    // Act
    const verdict = screenTaskEvent(taskEvent(), config(), now, undefined);

    // Assess
    expect(verdict).toMatchObject({ act: true, subject: { clusterName: 'prod', serviceName: 'web' } });
  });

  it.each([
    ['a duplicate', 5, /a duplicate: version 5/],
    ['an older version', 6, /out of order: version 5, already handled 6/],
  ])('drops %s without acting', (_name, seen, why) => {
    // Act
    const verdict = screenTaskEvent(taskEvent(), config(), now, seen);

    // Assess
    expect(verdict.act).toBe(false);
    expect(verdict.act === false && verdict.why).toMatch(why);
  });

  it('acts on a newer version of a task it has seen', () => {
    // Act
    const verdict = screenTaskEvent(taskEvent(taskDetail({ version: 7 })), config(), now, 5);

    // Assess
    expect(verdict.act).toBe(true);
  });

  it.each([
    ['a standalone task', taskDetail({ group: 'family:batch' }), /standalone task/],
    ['a task that is not stopping', taskDetail({ desiredStatus: 'RUNNING', lastStatus: 'RUNNING' }), /not stopping/],
    ['a task of an unmanaged service', taskDetail({ group: 'service:billing' }), /not in the config/],
    [
      'a task of an unmanaged cluster',
      taskDetail({ clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/staging' }),
      /cluster staging is not in the config/,
    ],
  ])('ignores %s', (_name, detail, why) => {
    // Act
    const verdict = screenTaskEvent(taskEvent(detail), config(), now, undefined);

    // Assess
    expect(verdict.act === false && verdict.why).toMatch(why);
  });

  it('ignores a service switched off in the config', () => {
    // Prepare
    const cfg = config({ clusters: [{ name: 'prod', services: [{ name: 'web', enabled: false }] }] });

    // Act
    const verdict = screenTaskEvent(taskEvent(), cfg, now, undefined);

    // Assess
    expect(verdict.act === false && verdict.why).toMatch(/disabled in the config/);
  });

  it('manages every other service of a cluster through its "*" entry, with per-service overrides first', () => {
    // Prepare
    const cfg = config({
      clusters: [{ name: 'prod', services: [{ name: 'web', enabled: false }, { name: '*' }] }],
    });

    // Act
    const other = screenTaskEvent(taskEvent(taskDetail({ group: 'service:api' })), cfg, now, undefined);
    const web = screenTaskEvent(taskEvent(), cfg, now, undefined);

    // Assess
    expect(other.act).toBe(true);
    expect(web.act).toBe(false);
  });

  it('does not act on an event older than the configured maximum age', () => {
    // Act
    const verdict = screenTaskEvent(taskEvent(taskDetail(), '2026-11-24T11:50:00Z'), config(), now, undefined);

    // Assess
    expect(verdict.act === false && verdict.why).toMatch(/stale: the event is 660 s old \(limit 300 s\)/);
  });

  it('does not act on a future-dated event beyond the allowed clock skew, and acts within it', () => {
    // Act
    const future = screenTaskEvent(taskEvent(taskDetail(), '2026-11-24T13:00:00Z'), config(), now, undefined);
    const skewed = screenTaskEvent(taskEvent(taskDetail(), '2026-11-24T12:01:20Z'), config(), now, undefined);

    // Assess
    expect(future.act === false && future.why).toMatch(/dated 3540 s in the future/);
    expect(skewed.act).toBe(true);
  });

  it.each([
    ['another account', { account: '999988887777' }, /account 999988887777 is not ours \(111122223333\)/],
    ['another region', { region: 'eu-west-1' }, /region eu-west-1 is not ours \(us-east-1\)/],
  ])('does not act on an event from %s', (_name, envelope, why) => {
    // Prepare
    const event = { ...taskEvent(), ...envelope };

    // Act
    const verdict = screenTaskEvent(event, config(), now, undefined, { account: '111122223333', region: 'us-east-1' });

    // Assess
    expect(verdict.act === false && verdict.why).toMatch(why);
  });

  it('does not act on an event whose cluster belongs to another account, whatever its envelope says', () => {
    // Prepare
    const detail = taskDetail({ clusterArn: 'arn:aws:ecs:us-east-1:999988887777:cluster/prod' });

    // Act
    const verdict = screenTaskEvent(taskEvent(detail), config(), now, undefined, {
      account: '111122223333',
      region: 'us-east-1',
    });

    // Assess
    expect(verdict.act === false && verdict.why).toMatch(/cluster account 999988887777 is not ours/);
  });
});
