import { describe, expect, it } from 'vitest';
import { canaryKey } from '#shared/canary/store.js';
import { parseConfig } from '#shared/config/load.js';
import { statedPlace } from '#shared/config/places.js';
import { problemsOf } from '#test/support/config-problems.js';

const MEMBER = '222222222222';
const arn = (account: string, region: string, resource: string) =>
  `arn:aws:elasticloadbalancing:${region}:${account}:${resource}`;

/** A canary named `name` whose rule and target groups are of `account` in `region`. */
function canary(name: string, account: string, region: string, where: Record<string, string> = {}, rule = '1') {
  return {
    name,
    cluster: 'prod',
    ...where,
    ruleArn: arn(account, region, `listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/${rule}`),
    sides: [
      { service: 'web-blue', targetGroupArn: arn(account, region, 'targetgroup/web-blue/73e2d6bc24d8a067') },
      { service: 'web-green', targetGroupArn: arn(account, region, 'targetgroup/web-green/73e2d6bc24d8a068') },
    ],
  };
}

const configWith = (canaries: unknown[]) => ({
  version: 1,
  accounts: [{ id: MEMBER, regions: ['us-east-1'] }],
  clusters: [{ name: 'prod', services: [{ name: 'web-blue' }, { name: 'web-green' }] }],
  canaries,
});

describe('Config: where canaries live', () => {
  it('takes two canaries of one name in two accounts, and keys their state apart', () => {
    // Act
    const config = parseConfig(
      configWith([canary('web', '111111111111', 'eu-west-1'), canary('web', MEMBER, 'us-east-1', { account: MEMBER })]),
    );

    // Assess
    const [home, member] = config.canaries.map((c) => statedPlace(c, config));
    expect(home).toBeUndefined();
    expect(member).toEqual({ account: MEMBER, region: 'us-east-1' });
    expect(canaryKey('web', home)).toEqual({ pk: 'canary#web', sk: 'state' });
    expect(canaryKey('web', member)).toEqual({ pk: `${MEMBER}/us-east-1#canary#web`, sk: 'state' });
  });

  it('refuses one name twice in one place, whether or not the region is written out', () => {
    // Act
    const problems = problemsOf(
      configWith([
        canary('web', MEMBER, 'us-east-1', { account: MEMBER }),
        canary('web', MEMBER, 'us-east-1', { account: MEMBER, region: 'us-east-1' }, '2'),
      ]),
    );

    // Assess
    expect(problems).toEqual([
      `canaries[1].name: canary "web" is twice in account ${MEMBER} in us-east-1 (first at canaries[0])`,
    ]);
  });

  it("refuses a member canary whose rule or target group is another account's or region's", () => {
    // Prepare
    const misplaced = canary('web', MEMBER, 'us-east-1', { account: MEMBER });
    misplaced.ruleArn = arn('111111111111', 'us-east-1', 'listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/1');
    (misplaced.sides[1] as { targetGroupArn: string }).targetGroupArn = arn(
      MEMBER,
      'eu-west-1',
      'targetgroup/web-green/73e2d6bc24d8a068',
    );

    // Act
    const problems = problemsOf(configWith([misplaced]));

    // Assess
    expect(problems).toEqual([
      `canaries[0].ruleArn: canary "web" lives in account ${MEMBER} in us-east-1, but this ARN is of account 111111111111 in us-east-1`,
      `canaries[0].sides[1].targetGroupArn: canary "web" lives in account ${MEMBER} in us-east-1, but this ARN is of account ${MEMBER} in eu-west-1`,
    ]);
  });

  it('refuses two canaries that shift the same forward action', () => {
    // Act
    const problems = problemsOf(
      configWith([canary('web', '111111111111', 'eu-west-1'), canary('api', '111111111111', 'eu-west-1')]),
    );

    // Assess
    expect(problems).toEqual([
      'canaries[1].ruleArn: canary "api" shifts the same forward action as canaries[0] ("web")',
    ]);
  });
});
