import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { centralMemberAccess, executionRoleStatements, memberStackResources } from '#local/member-stack.js';
import { parseConfig } from '#shared/config/load.js';

const MEMBER = '222222222222';
const OTHER = '333333333333';
const RULE = `arn:aws:elasticloadbalancing:us-east-1:${MEMBER}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9`;
const tg = (account: string, name: string) =>
  `arn:aws:elasticloadbalancing:us-east-1:${account}:targetgroup/${name}/73e2d6bc24d8a067`;

/** A config with a canary in `account`'s us-east-1 (the member's second region), a scale-out rule and bounds. */
function configWithCanaryIn(account: string) {
  return {
    version: 1,
    accounts: [
      { id: MEMBER, regions: ['eu-west-1', 'us-east-1'], externalId: 'ext-1' },
      { id: OTHER, regions: ['us-east-1'], externalId: 'ext-2' },
    ],
    clusters: [
      {
        name: 'prod',
        account: MEMBER,
        region: 'eu-west-1',
        services: [{ name: 'api', scaling: { minCount: 1, maxCount: 3 } }],
      },
    ],
    alarms: [{ alarmName: '-cpu-high$', reaction: 'scale-out' }],
    canaries: [
      {
        name: 'web',
        cluster: 'shop',
        account,
        region: 'us-east-1',
        ruleArn: RULE.replace(MEMBER, account),
        sides: [
          { service: 'web-blue', targetGroupArn: tg(account, 'web-blue') },
          { service: 'web-green', targetGroupArn: tg(account, 'web-green') },
        ],
        gateAlarms: ['web-5xx'],
      },
    ],
  };
}

const sides = ['web-blue', 'web-green'].map((s) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ecs:us-east-1:\${AWS::AccountId}:service/shop/${s}`,
}));

function configFile(value: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'member-canary-')), 'ecs-autopilot.yml');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('member-stack: canaries', () => {
  it("grants the promoter's calls on this account's canary alone: weights on its rule, UpdateService on its sides", () => {
    // Prepare
    const config = parseConfig(configWithCanaryIn(MEMBER));

    // Act
    const statements = executionRoleStatements(config, config.accounts[0] as never);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));

    // Assess
    expect(bySid.WriteCanaryWeights).toEqual({
      Sid: 'WriteCanaryWeights',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'],
      Resource: [RULE],
    });
    expect(bySid.ScaleAndDeployCanarySides).toMatchObject({ Action: 'ecs:UpdateService', Resource: sides });
    expect(bySid.CanaryReadSides).toMatchObject({ Action: 'ecs:DescribeServices', Resource: sides });
    // The scaling rule's guard still denies a new task definition on every service but the canary's sides.
    expect(bySid.NeverChangeTaskDefinitions).toEqual({
      Sid: 'NeverChangeTaskDefinitions',
      Effect: 'Deny',
      Action: 'ecs:UpdateService',
      NotResource: sides,
      Condition: { Null: { 'ecs:task-definition': 'false' } },
    });
  });

  it('grants no canary call where the config places no canary', () => {
    // Prepare
    const config = parseConfig(configWithCanaryIn(OTHER));

    // Act
    const statements = executionRoleStatements(config, config.accounts[0] as never);
    const actions = statements.flatMap((s) => s.Action as string | string[]);

    // Assess
    expect(actions).not.toContain('elasticloadbalancing:ModifyRule');
    expect(actions).not.toContain('cloudwatch:GetMetricData');
    expect(statements.find((s) => s.Sid === 'NeverChangeTaskDefinitions')).toMatchObject({ Resource: '*' });
  });

  it("forwards the canary's gate alarms from its own region only, and lets the central promoter assume member roles", () => {
    // Prepare
    const file = configFile(configWithCanaryIn(MEMBER));
    const params = {
      account: MEMBER,
      centralAccount: '111111111111',
      centralStage: 'prod',
      centralBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/default',
    };

    // Act
    const there = memberStackResources({ ...params, region: 'us-east-1' }, file).Resources as Record<string, unknown>;
    const first = memberStackResources({ ...params, region: 'eu-west-1' }, file).Resources as Record<string, unknown>;
    const central = centralMemberAccess(file).Resources as Record<string, { Properties: { Roles: unknown[] } }>;
    const alone = centralMemberAccess(configFile({ ...configWithCanaryIn(MEMBER), canaries: [] }));

    // Assess
    expect(there.ForwardCanaryGateAlarms).toMatchObject({
      Properties: {
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { state: { value: ['ALARM'] }, alarmName: ['web-5xx'] },
        },
      },
    });
    expect(first.ForwardCanaryGateAlarms).toBeUndefined();
    expect(central.MemberRoleAccess?.Properties.Roles).toContainEqual({ Ref: 'CanaryPromoterRole' });
    expect(
      (alone.Resources as Record<string, { Properties: { Roles: unknown[] } }>).MemberRoleAccess?.Properties.Roles,
    ).not.toContainEqual({ Ref: 'CanaryPromoterRole' });
  });
});
