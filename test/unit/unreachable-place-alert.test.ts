import { describe, expect, it } from 'vitest';
import { unreachablePlaceAlert } from '#shared/notify/unreachable-place.js';

const ROLE = 'arn:aws:iam::222222222222:role/ecs-autopilot-member';
const place = { account: '222222222222', region: 'eu-west-1', errorName: 'AccessDenied', message: 'not *authorized*' };

describe('Reporting: unreachablePlaceAlert', () => {
  it('warns once per place, error and day that a scheduled run skipped a place, saying what AWS said and what to do', () => {
    // Act
    const alert = unreachablePlaceAlert({
      what: 'reconciler',
      place: { ...place, roleArn: ROLE },
      occurredAt: '2026-11-24T12:00:00.000Z',
      dryRun: false,
    });

    // Assess
    expect(alert).toEqual({
      incidentId: 'ecs-autopilot-unreachable/222222222222/eu-west-1/AccessDenied',
      dedupKey: 'ecs-autopilot-unreachable/222222222222/eu-west-1/AccessDenied/reconciler/2026-11-24',
      severity: 'warning',
      kind: 'access/unreachable',
      title: 'reconciler could not act in account 222222222222 in eu-west-1',
      description: [
        'The reconciler skipped account 222222222222 in eu-west-1; every other account and region went on.',
        'AWS said: AccessDenied: not \\*authorized\\*',
        `Role it assumes there: ${ROLE}`,
      ].join('\n'),
      nextSteps: [
        "Deploy the member stack in account 222222222222 in eu-west-1 (serverless-member.yml), or check that its role trusts this deployment's functions and the external id matches the config.",
        'Or remove the account or region from `accounts` in ecs-autopilot.yml if it is no longer managed.',
      ],
      keywords: ['ecs-autopilot', 'access', '222222222222', 'eu-west-1'],
      cluster: 'none',
      service: 'none',
      region: 'eu-west-1',
      account: '222222222222',
      links: [],
      relatedResources: [ROLE],
      dryRun: false,
      occurredAt: '2026-11-24T12:00:00.000Z',
    });
  });

  it('names no role when none was assumed', () => {
    // Act
    const alert = unreachablePlaceAlert({ what: 'audit', place, occurredAt: '2026-11-24T12:00:00.000Z', dryRun: true });

    // Assess
    expect(alert.description).toBe(
      'The audit skipped account 222222222222 in eu-west-1; every other account and region went on.\nAWS said: AccessDenied: not \\*authorized\\*',
    );
    expect(alert.relatedResources).toEqual([]);
    expect(alert.dryRun).toBe(true);
  });
});
