import { beforeAll, describe, expect, it } from 'vitest';
import { manifestFunctions } from '#local/function-manifest.js';
import { checkIamStatements } from '#test/support/iam-check.js';
import { PACKAGING_TIMEOUT_MS, packageStackForTests } from '#test/support/packaging.js';
import {
  asArray,
  identityStatements,
  pascal,
  roleStatements,
  type Statement,
  type Template,
} from '#test/support/template.js';

/** Each function: its name in serverless.yml, its bundle in the zip, its logical id in the template. */
const functions = manifestFunctions().map(({ name, bundle, logicalId }) => [name, bundle, logicalId] as const);

import { grantedActions } from '#test/support/granted-actions.js';

/** Roles that no function runs with: the one ECS assumes to invoke the deployment hook. */
const rolesForAwsServices = ['DeploymentHookInvokeRole'];

describe('Packaging: IAM', { timeout: PACKAGING_TIMEOUT_MS }, () => {
  const packaged = packageStackForTests();
  let template: Template;
  beforeAll(() => {
    ({ template } = packaged);
  });

  it('grants no wildcard action, no write on every resource without a condition, no condition its action ignores', () => {
    // Prepare: denials too, since a Deny on a key its action never carries denies nothing
    const statements = identityStatements(template, ['Allow', 'Deny']);

    // Act
    const findings = checkIamStatements(statements);

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });

  it('lets AWS services use its resources only on behalf of this stack (no confused deputy)', () => {
    // Prepare
    const grants: { where: string; statement: Statement }[] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const document =
        resource.Type === 'AWS::KMS::Key'
          ? resource.Properties?.KeyPolicy
          : ['AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'].includes(resource.Type)
            ? resource.Properties?.PolicyDocument
            : undefined;
      for (const statement of asArray((document as { Statement?: Statement[] } | undefined)?.Statement)) {
        const toService =
          typeof statement.Principal === 'object' && statement.Principal !== null && 'Service' in statement.Principal;
        if (statement.Effect === 'Allow' && toService) grants.push({ where: logicalId, statement });
      }
    }

    // Assess
    expect(grants.filter(({ statement }) => statement.Condition === undefined)).toEqual([]);
  });

  it('gives each function its own role, which grants only the actions that function calls', () => {
    // Prepare
    const roles = Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
      .map(([logicalId]) => logicalId)
      .sort();

    // Act
    const granted = Object.fromEntries(
      functions.map(([functionName, , logicalId]) => {
        const role = template.Resources[logicalId]?.Properties?.Role as { 'Fn::Sub'?: string } | undefined;
        const roleLogicalId =
          /^\$\{(\w+)\.Arn\}$/.exec(role?.['Fn::Sub'] ?? '')?.[1] ?? `unreadable role ${JSON.stringify(role)}`;
        const statements = roleStatements(template, roleLogicalId);
        const actions = [...new Set(statements.flatMap((statement) => asArray(statement.Action)))].sort();
        const logs = statements.filter((statement) => asArray(statement.Action).some((a) => a.startsWith('logs:')));
        return [functionName, { role: roleLogicalId, actions, logs: logs.map((statement) => statement.Resource) }];
      }),
    );

    // Assess: one role per function, no role left over (no default role from osls), each with exactly its actions
    // and writing only its own log group.
    expect(granted).toEqual(
      Object.fromEntries(
        functions.map(([functionName]) => [
          functionName,
          {
            role: `${pascal(functionName)}Role`,
            actions: [...(grantedActions[functionName] ?? [`no grants written down for ${functionName}`])].sort(),
            logs: [{ 'Fn::GetAtt': [`${pascal(functionName)}LogGroup`, 'Arn'] }],
          },
        ]),
      ),
    );
    expect(roles).toEqual(
      [...functions.map(([functionName]) => `${pascal(functionName)}Role`), ...rolesForAwsServices].sort(),
    );
  });

  it("holds the alarm reaction's writes to the managed clusters' services, tasks and ECS desired counts", () => {
    // Prepare: the shipped config manages the cluster prod
    const statements = roleStatements(template, 'AlarmStateChangeRole');
    const granting = (action: string) =>
      statements.filter((statement) => statement.Effect === 'Allow' && asArray(statement.Action).includes(action));
    const arnOfThisAccount = (service: string, resource: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
    });
    const ecsArn = (resource: string) => arnOfThisAccount('ecs', resource);
    const inManagedClusters = { ArnEquals: { 'ecs:cluster': [ecsArn('cluster/prod')] } };
    const policies = asArray(
      template.Resources.AlarmStateChangeRole?.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[],
    );
    const denials = policies
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement) => statement.Effect === 'Deny');

    // Assess
    expect(granting('ecs:StopTask')).toEqual([
      expect.objectContaining({ Resource: [ecsArn('task/prod/*')], Condition: inManagedClusters }),
    ]);
    expect(granting('ecs:UpdateService')).toEqual([expect.objectContaining({ Resource: [ecsArn('service/prod/*')] })]);
    expect(granting('ecs:TagResource')).toEqual([
      expect.objectContaining({
        Resource: [ecsArn('service/prod/*')],
        Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['ecs-autopilot:*'] } },
      }),
    ]);
    expect(granting('application-autoscaling:RegisterScalableTarget')).toEqual([
      expect.objectContaining({
        Resource: arnOfThisAccount('application-autoscaling', 'scalable-target/*'),
        Condition: {
          StringEquals: {
            'application-autoscaling:service-namespace': 'ecs',
            'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
          },
        },
      }),
    ]);
    expect(granting('ecs:ListTasks')).toEqual([
      expect.objectContaining({ Resource: '*', Condition: inManagedClusters }),
    ]);
    // Only the desired count may change: a task definition, ECS Exec or subnets in the request are refused, each on
    // its own (a Null condition per statement), and the kill switch stays the operators'.
    expect(denials).toEqual(
      expect.arrayContaining([
        ...['ecs:task-definition', 'ecs:enable-execute-command', 'ecs:subnet'].map((key) =>
          expect.objectContaining({
            Action: 'ecs:UpdateService',
            Resource: '*',
            Condition: { Null: { [key]: 'false' } },
          }),
        ),
        expect.objectContaining({
          Action: 'ecs:TagResource',
          Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['ecs-autopilot:disabled'] } },
        }),
      ]),
    );
    expect(denials).toHaveLength(4);
  });

  it('deregisters targets only from target groups tagged ecs-autopilot:managed=true, in every role', () => {
    // Prepare
    const deregistering = identityStatements(template).filter(({ statement }) =>
      asArray(statement.Action).includes('elasticloadbalancing:DeregisterTargets'),
    );

    // Assess
    expect(deregistering.length).toBeGreaterThanOrEqual(3);
    for (const { statement } of deregistering) {
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/ecs-autopilot:managed': 'true' } });
    }
  });

  it('gives the audit nothing but reads, its logs, its queues and the state table', () => {
    // Prepare
    const statements = roleStatements(template, 'AuditRole');
    const stateAccess = template.Resources.StateTableAccess?.Properties?.Roles;

    // Act
    const writes = statements
      .flatMap((statement) => asArray(statement.Action))
      .filter((action) => !/^[a-z0-9-]+:(Describe|List|Get|BatchGet)/.test(action));

    // Assess
    expect([...new Set(writes)].sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:SendMessage',
    ]);
    expect(stateAccess).toContainEqual({ Ref: 'AuditRole' });
  });

  it('grants the state table only through StateTableAccess, item by item, on that table alone', () => {
    // Prepare
    const statements = identityStatements(template).filter(({ statement }) =>
      asArray(statement.Action).some((action) => action.startsWith('dynamodb:')),
    );

    // Assess
    expect(statements).toEqual([
      {
        where: 'StateTableAccess/PolicyDocument',
        statement: expect.objectContaining({
          Action: [
            'dynamodb:GetItem',
            'dynamodb:BatchGetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
          ],
          Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
        }),
      },
    ]);
  });

  it('lets ECS, for this account only, invoke the deployment hook and nothing else, and exports that role', () => {
    // Prepare
    const role = template.Resources.DeploymentHookInvokeRole;
    const trust = (role?.Properties?.AssumeRolePolicyDocument as { Statement?: Statement[] } | undefined)?.Statement;
    const outputs = (template as Template & { Outputs?: Record<string, { Value: unknown; Export?: unknown }> }).Outputs;

    // Act
    const statements = roleStatements(template, 'DeploymentHookInvokeRole');

    // Assess
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': ['DeploymentHookLambdaFunction', 'Arn'] },
      }),
    ]);
    expect(outputs?.DeploymentHookInvokeRoleArn).toMatchObject({
      Value: { 'Fn::GetAtt': ['DeploymentHookInvokeRole', 'Arn'] },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub, as in the template
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}-DeploymentHookInvokeRoleArn' } },
    });
    expect(outputs?.DeploymentHookFunctionArn).toMatchObject({
      Value: { 'Fn::GetAtt': ['DeploymentHookLambdaFunction', 'Arn'] },
    });
  });
});
