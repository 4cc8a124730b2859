import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import { problemsOf } from '#test/support/config-problems.js';

const clusters = [{ name: 'prod', services: [{ name: 'web' }] }];

describe('Config: duplicates, ranges and typos', () => {
  it('rejects a cluster listed twice, naming both places', () => {
    // Act
    const problems = problemsOf({
      version: 1,
      clusters: [
        { name: 'prod', services: [{ name: 'web' }] },
        { name: 'prod', services: [{ name: 'web', enabled: false }] },
      ],
    });

    // Assess
    expect(problems).toEqual([
      'clusters[1].name: cluster "prod" is listed twice (first at clusters[0]): merge its services into one entry',
    ]);
  });

  it.each([
    [
      'step 0',
      { alarmName: 'x', reaction: 'scale-out', step: 0 },
      /^alarms\[0\]\.step: a whole number of at least 1, or a percent above 0 up to 100%/,
    ],
    [
      'maxTargetsPerRun 0',
      { reaction: 'deregister-unhealthy', maxTargetsPerRun: 0 },
      /^alarms\[0\]\.maxTargetsPerRun: a whole number of at least 1/,
    ],
    [
      'a percent over 100',
      { reaction: 'deregister-unhealthy', minHealthy: '100.5%' },
      /^alarms\[0\]\.minHealthy: .*up to 100%/,
    ],
    ['0%', { reaction: 'scale-in', step: '0%' }, /^alarms\[0\]\.step: .*above 0/],
  ])('rejects %s in an alarm rule with the allowed range', (_what, rule, expected) => {
    expect(problemsOf({ version: 1, alarms: [rule], clusters })).toEqual([expect.stringMatching(expected)]);
  });

  it('rejects an orphan grace period beyond the hour ECS keeps stopped tasks', () => {
    expect(problemsOf({ version: 1, reconciler: { orphanGraceSeconds: 11 * 86_400 }, clusters })).toEqual([
      'reconciler.orphanGraceSeconds: an integer from 60 to 3600 seconds',
    ]);
  });

  it('accepts the edges of every range', () => {
    // Act
    const config = parseConfig({
      version: 1,
      reconciler: { orphanGraceSeconds: 3600 },
      alarms: [
        { reaction: 'deregister-unhealthy', minHealthy: 0, maxTargetsPerRun: '100%' },
        { reaction: 'scale-out', step: '0.5%' },
      ],
      clusters,
    });

    // Assess
    expect(config.alarms).toHaveLength(2);
  });

  it('names an unknown key and suggests the nearest valid one', () => {
    // Act
    const top = problemsOf({ version: 1, dryrun: true, clusters });
    const service = problemsOf({ version: 1, clusters: [{ name: 'p', services: [{ name: 'w', enabeld: false }] }] });

    // Assess
    expect(top).toEqual(['(root): unknown key "dryrun" (did you mean "dryRun"?)']);
    expect(service).toEqual(['clusters[0].services[0]: unknown key "enabeld" (did you mean "enabled"?)']);
  });

  it('says which key of an alarm rule is mistyped instead of "Invalid discriminator value"', () => {
    // Act
    const missing = problemsOf({ version: 1, alarms: [{ alarmName: 'x', reacton: 'scale-out' }], clusters });
    const wrong = problemsOf({ version: 1, alarms: [{ alarmName: 'x', reaction: 'scale-ot' }], clusters });

    // Assess
    expect(missing).toEqual([
      expect.stringMatching(
        /^alarms\[0\]\.reaction: a reaction is required .*unknown key "reacton" \(did you mean "reaction"\?\)/,
      ),
    ]);
    expect(wrong).toEqual([
      expect.stringMatching(/^alarms\[0\]\.reaction: unknown reaction "scale-ot" \(did you mean "scale-out"\?\)/),
    ]);
  });
});
