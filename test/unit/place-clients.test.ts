import { ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { ecsRecipe } from '#shared/aws/ecs.js';
import { PlaceClients, roleSessionName } from '#shared/aws/place-clients.js';

const role = { arn: 'arn:aws:iam::222222222222:role/ecs-autopilot-member', externalId: 'x-1' };

describe('place-clients', () => {
  it('turns any event name into a role session name STS accepts', () => {
    expect(roleSessionName('task-stop-6a7e8feb-b491-4cf7-a9f1-bf3703467718')).toBe(
      'task-stop-6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    );
    expect(roleSessionName('alarm arn:aws:cloudwatch:eu-west-1:1:alarm:web/cpu high!')).toBe(
      'alarm-arn-aws-cloudwatch-eu-west-1-1-alarm-web-cpu-high-',
    );
    expect(roleSessionName(`reconciler-${'x'.repeat(100)}`)).toHaveLength(64);
    expect(roleSessionName('a')).toMatch(/^[\w+=,.@-]{2}$/);
  });

  it("uses the function's own clients at home and the member role's elsewhere, one set per role, region and session", async () => {
    // Prepare
    const own = { ecs: new ECSClient({ region: 'eu-west-1' }) };
    const places = new PlaceClients(own, { ecs: ecsRecipe }, { AWS_REGION: 'eu-west-1' });

    // Act
    const home = places.at({ account: '111111111111', region: 'eu-west-1' }, 'task-stop-1');
    const member = places.at({ account: '222222222222', region: 'us-east-1', role }, 'task-stop-1');
    const again = places.at({ account: '222222222222', region: 'us-east-1', role }, 'task-stop-1');
    const otherEvent = places.at({ account: '222222222222', region: 'us-east-1', role }, 'task-stop-2');

    // Assess
    expect(home).toBe(own);
    expect(member).not.toBe(own);
    expect(again).toBe(member);
    expect(otherEvent).not.toBe(member);
    expect(await member.ecs.config.region()).toBe('us-east-1');
  });

  it('keeps the clients of one role apart by its external id', () => {
    // Prepare
    const own = { ecs: new ECSClient({ region: 'eu-west-1' }) };
    const places = new PlaceClients(own, { ecs: ecsRecipe }, { AWS_REGION: 'eu-west-1' });
    const place = { account: '222222222222', region: 'us-east-1' };

    // Act
    const first = places.at({ ...place, role }, 'task-stop-1');
    const other = places.at({ ...place, role: { ...role, externalId: 'x-2' } }, 'task-stop-1');
    const none = places.at({ ...place, role: { arn: role.arn } }, 'task-stop-1');

    // Assess
    expect(other).not.toBe(first);
    expect(none).not.toBe(first);
    expect(none).not.toBe(other);
  });
});
