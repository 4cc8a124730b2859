import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  centralMemberAccess,
  executionRoleStatements,
  MemberStackError,
  memberExecutionRole,
  operatorRoleNames,
} from '#local/member-stack.js';
import { parseConfig } from '#shared/config/load.js';

const MEMBER = '222222222222';
const params = {
  account: MEMBER,
  region: 'eu-west-1',
  centralAccount: '111111111111',
  centralStage: 'prod',
  centralBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/default',
};

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'member-stack-')), 'ecs-autopilot.yml');
  writeFileSync(file, yaml);
  return file;
}

const accounts = `accounts:\n  - id: "${MEMBER}"\n    regions: [eu-west-1, us-east-1]\n    externalId: ext-1\n`;

describe('member-stack', () => {
  it('grants only reads (the audit’s too) and target deregistration when no alarm rule asks for more', () => {
    // Prepare
    const config = parseConfig({
      version: 1,
      accounts: [{ id: MEMBER, regions: ['eu-west-1'] }],
      clusters: [{ name: 'prod', account: MEMBER, services: [{ name: 'web', scaling: { minCount: 1, maxCount: 3 } }] }],
      alarms: [{ alarmName: '-5xx$', reaction: 'notify-only' }],
    });

    // Act
    const actions = executionRoleStatements(config, config.accounts[0] as never).flatMap((s) => s.Action);
    const unique = [...new Set(actions.flat())];

    // Assess
    expect(unique.sort()).toEqual([
      'acm:DescribeCertificate',
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScalingPolicies',
      'ec2:DescribeInstances',
      'ec2:DescribeSecurityGroups',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'ecs:ListContainerInstances',
      'ecs:ListServices',
      'ecs:ListTasks',
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:DescribeListenerCertificates',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeSSLPolicies',
      'elasticloadbalancing:DescribeTags',
      'elasticloadbalancing:DescribeTargetGroupAttributes',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
    ]);
  });

  it('grants nothing in an account where the config places no cluster', () => {
    const config = parseConfig({
      version: 1,
      accounts: [{ id: MEMBER, regions: ['eu-west-1'] }],
      clusters: [{ name: 'prod', services: [{ name: 'web' }] }],
    });
    expect(executionRoleStatements(config, config.accounts[0] as never)).toEqual([]);
  });

  it("creates the role in the account's first region only, and refuses an account or region the config does not list", () => {
    // Prepare
    const file = configFile(`version: 1\n${accounts}clusters:\n  - name: prod\n    services: [{ name: web }]\n`);

    // Act & Assess
    expect(Object.keys(memberExecutionRole(params, file).Resources)).toEqual(['ExecutionRole']);
    expect(memberExecutionRole({ ...params, region: 'us-east-1' }, file).Resources).toEqual({});
    expect(() => memberExecutionRole({ ...params, region: 'ap-south-1' }, file)).toThrow(MemberStackError);
    expect(() => memberExecutionRole({ ...params, account: '333333333333' }, file)).toThrow(
      /account 333333333333 is not under accounts in the config/,
    );
  });

  it('trusts no operator role by default, and refuses an operator role that is not one exact name', () => {
    // Prepare
    const file = configFile(`version: 1\n${accounts}clusters:\n  - name: prod\n    services: [{ name: web }]\n`);
    const trustOf = (operatorRoles?: string) => {
      const role = memberExecutionRole({ ...params, ...(operatorRoles === undefined ? {} : { operatorRoles }) }, file)
        .Resources.ExecutionRole;
      const statements = (role?.Properties.AssumeRolePolicyDocument.Statement ?? []) as Array<{ Sid?: string }>;
      return statements.map((s) => s.Sid ?? 'functions');
    };

    // Act
    const byDefault = trustOf();
    const empty = trustOf('');
    const named = trustOf(' platform-oncall , platform-oncall');

    // Assess
    expect(byDefault).toEqual(['functions']);
    expect(empty).toEqual(['functions']);
    expect(named).toEqual(['functions', 'CentralOperators']);
    expect(operatorRoleNames(' platform-oncall , platform-oncall,ops/ecs-admin')).toEqual([
      'platform-oncall',
      'ops/ecs-admin',
    ]);
    expect(() => trustOf('ecs-autopilot-*')).toThrow(/not an IAM role name.*no wildcard/);
  });

  it('refuses to trust the central account without an external id', () => {
    const file = configFile(
      `version: 1\naccounts:\n  - id: "${MEMBER}"\n    regions: [eu-west-1]\nclusters:\n  - name: prod\n    services: [{ name: web }]\n`,
    );
    expect(() => memberExecutionRole(params, file)).toThrow(/has no externalId in the config/);
  });

  it("lets the central bus take the members' events and the acting functions assume their roles, and adds nothing without members", () => {
    // Prepare
    const withMembers = configFile(`version: 1\n${accounts}clusters:\n  - name: prod\n    services: [{ name: web }]\n`);
    const alone = configFile('version: 1\nclusters:\n  - name: prod\n    services: [{ name: web }]\n');

    // Act
    const central = centralMemberAccess(withMembers).Resources as Record<
      string,
      { Properties: Record<string, unknown> }
    >;

    // Assess
    expect(centralMemberAccess(alone)).toEqual({ Resources: {} });
    expect(central.MemberEventsBusPolicy?.Properties.Statement).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Principal: { AWS: [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${MEMBER}:root` }] },
    });
    expect(central.MemberRoleAccess?.Properties).toMatchObject({
      Roles: [
        { Ref: 'TaskStateChangeRole' },
        { Ref: 'AlarmStateChangeRole' },
        { Ref: 'ReconcilerRole' },
        { Ref: 'AuditRole' },
      ],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${MEMBER}:role/ecs-autopilot-member` }],
          },
        ],
      },
    });
  });
});
