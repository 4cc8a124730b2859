// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '#test/support/fixtures.js';
import { checkIamStatements } from '#test/support/iam-check.js';
import { locate, PACKAGING_TIMEOUT_MS, packageStackForTests, readZip, run } from '#test/support/packaging.js';
import { asArray, identityStatements, type Template } from '#test/support/template.js';

const MEMBER = '222222222222';
const CENTRAL = '111111111111';

describe('Packaging: the member stack', { timeout: PACKAGING_TIMEOUT_MS }, () => {
  // The fixture config places prod in the member's first region, eu-west-1, with a scale-out rule and bounds, and a
  // canary there with a gate alarm.
  const packaged = packageStackForTests([
    '--config',
    'serverless-member.yml',
    '--region',
    'eu-west-1',
    '--param',
    `account=${MEMBER}`,
    '--param',
    `central-account=${CENTRAL}`,
    '--param',
    'config=test/fixtures/member-accounts.yml',
    '--param',
    'operator-roles=platform-oncall,ops/ecs-admin',
  ]);
  let template: Template;
  beforeAll(() => {
    ({ template } = packaged);
  });

  it('writes a template that cfn-lint finds no error in', async () => {
    // Prepare
    const cfnLint = locate(join(repoRoot, '.venv', 'bin', 'cfn-lint'), 'cfn-lint');
    if (cfnLint === undefined) throw new Error('cfn-lint not found in .venv/bin or on PATH: run `npm run setup`');

    // Act
    const outcome = await run(cfnLint, [packaged.templatePath]).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? '' }),
    );

    // Assess: exit codes are bit flags (2 error, 4 warning, 8 informational); 1 is cfn-lint's own failure.
    expect(outcome.code & 0b11, outcome.output).toBe(0);
  });

  it('passes the IAM check: no wildcard action, no unconditioned write on everything, no ignored condition key', () => {
    // Act
    const statements = identityStatements(template, ['Allow', 'Deny']);

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    expect(checkIamStatements(statements)).toEqual([]);
  });

  it('grants the execution role only what the config enables in this account', () => {
    // Act
    const allowed = identityStatements(template)
      .filter(({ where }) => where.startsWith('ExecutionRole/'))
      .flatMap(({ statement }) => asArray(statement.Action as string | string[]));

    // Assess: reads and deregistration for the task path, the reconciler and the audit; scaling for the scale-out
    // rule; weights, metrics and gate alarms for the canary
    expect([...new Set(allowed)].sort()).toEqual([
      'acm:DescribeCertificate',
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScalingPolicies',
      'application-autoscaling:RegisterScalableTarget',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:GetMetricData',
      'ec2:DescribeInstances',
      'ec2:DescribeSecurityGroups',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'ecs:ListContainerInstances',
      'ecs:ListServices',
      'ecs:ListTasks',
      'ecs:TagResource',
      'ecs:UpdateService',
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
      'elasticloadbalancing:ModifyListener',
      'elasticloadbalancing:ModifyRule',
    ]);
  });

  it("writes weights on the canary's rule alone, and redeploys only the canary's sides", () => {
    // Act
    const writes = identityStatements(template, ['Allow', 'Deny'])
      .filter(({ where }) => where.startsWith('ExecutionRole/'))
      .map(({ statement }) => statement)
      .filter((s) => s.Sid === 'WriteCanaryWeights' || s.Sid === 'NeverChangeTaskDefinitions');

    // Assess
    const sides = ['web-blue', 'web-green'].map((s) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ecs:eu-west-1:\${AWS::AccountId}:service/prod/${s}`,
    }));
    expect(writes).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 'ecs:UpdateService', NotResource: sides }),
      expect.objectContaining({
        Effect: 'Allow',
        Resource: [
          'arn:aws:elasticloadbalancing:eu-west-1:222222222222:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9',
        ],
      }),
    ]);
  });

  it("holds the account's own deployment hook: read-only, invoked by ECS of this account alone, its bundle alone", () => {
    // Act
    const hook = template.Resources.DeploymentHookLambdaFunction;
    const hookActions = identityStatements(template)
      .filter(({ where }) => where.startsWith('DeploymentHookRole/'))
      .flatMap(({ statement }) => asArray(statement.Action as string | string[]));
    const invoke = template.Resources.DeploymentHookInvokeRole?.Properties;
    const zip = readZip(join(packaged.outDir, 'deploymentHook.zip'));

    // Assess
    expect(hook?.Properties).toMatchObject({
      Handler: 'functions/deployment-hook/handler.handler',
      Role: { 'Fn::Sub': '${DeploymentHookRole.Arn}' },
    });
    expect([...new Set(hookActions)].sort()).toEqual([
      'cloudwatch:DescribeAlarms',
      'cloudwatch:GetMetricData',
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeServices',
      'elasticloadbalancing:DescribeRules',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(invoke?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'ecs.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(identityStatements(template).filter(({ where }) => where.startsWith('DeploymentHookInvokeRole/'))).toEqual([
      expect.objectContaining({
        statement: expect.objectContaining({
          Action: 'lambda:InvokeFunction',
          Resource: { 'Fn::GetAtt': ['DeploymentHookLambdaFunction', 'Arn'] },
        }),
      }),
    ]);
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['DeploymentHookFunctionArn', 'DeploymentHookInvokeRoleArn']),
    );
    expect(Object.keys(zip).sort()).toEqual([
      'functions/deployment-hook/handler.mjs',
      'functions/deployment-hook/handler.mjs.map',
    ]);
  });

  it("trusts only the central account's function roles and the operator roles named, each with the config's external id", () => {
    // Act
    const role = template.Resources.ExecutionRole;
    const trust = asArray(
      (role?.Properties?.AssumeRolePolicyDocument as { Statement?: Record<string, unknown>[] } | undefined)?.Statement,
    );

    // Assess
    expect(role?.Properties?.RoleName).toBe('ecs-autopilot-member');
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${CENTRAL}:root` } },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnLike: {
            'aws:PrincipalArn': { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${CENTRAL}:role/ecs-autopilot-ci-*` },
          },
          StringEquals: { 'sts:ExternalId': 'autopilot-ext' },
        },
      },
      {
        Sid: 'CentralOperators',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${CENTRAL}:root` } },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn': [
              { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${CENTRAL}:role/platform-oncall` },
              { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${CENTRAL}:role/ops/ecs-admin` },
            ],
          },
          StringEquals: { 'sts:ExternalId': 'autopilot-ext' },
        },
      },
    ]);
  });

  it("forwards task stops, alarms, the canary's gate alarms, service actions and deployment failures to the central account's default bus", () => {
    // Act
    const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    const targets = rules.flatMap((r) => asArray(r.Properties?.Targets as Record<string, unknown>[]));
    const patterns = rules.map(
      (r) => (r.Properties?.EventPattern as { 'detail-type'?: string[] } | undefined)?.['detail-type']?.[0],
    );

    // Assess
    expect(patterns.sort()).toEqual([
      'CloudWatch Alarm State Change',
      'CloudWatch Alarm State Change',
      'ECS Deployment State Change',
      'ECS Service Action',
      'ECS Task State Change',
    ]);
    for (const target of targets) {
      expect(target).toEqual({
        Id: 'central-bus',
        Arn: `arn:aws:events:eu-west-1:${CENTRAL}:event-bus/default`,
        RoleArn: { 'Fn::GetAtt': ['ForwardToCentralRole', 'Arn'] },
      });
    }
  });
});
