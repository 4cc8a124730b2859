import { describe, expect, it } from 'vitest';
import { checkIamStatements } from '#test/support/iam-check.js';
import type { Statement } from '#test/support/template.js';

const check = (statement: Statement) => checkIamStatements([{ where: 'Role/Policy', statement }]);

describe('IAM check', () => {
  it('passes a write narrowed by a condition key its action supports', () => {
    // Act
    const findings = check({
      Effect: 'Allow',
      Action: 'ecs:StopTask',
      Resource: '*',
      Condition: { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:111122223333:cluster/*' } },
    });

    // Assess
    expect(findings).toEqual([]);
  });

  it('fails a write on every resource without a condition', () => {
    expect(check({ Effect: 'Allow', Action: ['ecs:UpdateService'], Resource: '*' })).toEqual([
      { where: 'Role/Policy', problem: 'ecs:UpdateService on every resource without a condition' },
    ]);
  });

  it('fails a condition whose key the action does not support, which would narrow nothing', () => {
    // Act
    const findings = check({
      Effect: 'Allow',
      Action: 'elasticloadbalancing:DeregisterTargets',
      Resource: '*',
      Condition: { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:111122223333:cluster/*' } },
    });

    // Assess
    expect(findings).toEqual([
      {
        where: 'Role/Policy',
        problem:
          'elasticloadbalancing:DeregisterTargets does not support the condition key ecs:cluster, which never narrows it',
      },
    ]);
  });

  it('fails a tag condition on an action that takes no tags, and accepts it where the reference lists it', () => {
    const tagged = { 'ForAllValues:StringLike': { 'aws:TagKeys': ['ecs-autopilot:*'] } };
    expect(check({ Effect: 'Allow', Action: 'ecs:StopTask', Resource: '*', Condition: tagged })).toHaveLength(1);
    expect(check({ Effect: 'Allow', Action: 'ecs:TagResource', Resource: '*', Condition: tagged })).toEqual([]);
    const resourceTag = { StringEquals: { 'aws:ResourceTag/team': 'web' } };
    expect(check({ Effect: 'Allow', Action: 'ecs:StopTask', Resource: '*', Condition: resourceTag })).toEqual([]);
  });

  it('fails a Deny whose key its action does not support, which would deny nothing', () => {
    // Act
    const findings = check({
      Effect: 'Deny',
      Action: 'ecs:ListContainerInstances',
      Resource: '*',
      Condition: { ArnNotLike: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:111122223333:cluster/prod' } },
    });

    // Assess
    expect(findings).toEqual([
      {
        where: 'Role/Policy',
        problem:
          'ecs:ListContainerInstances does not support the condition key ecs:cluster, so this Deny never applies',
      },
    ]);
  });

  it('accepts the denials that keep UpdateService to the desired count', () => {
    // Prepare
    const denied = (key: string) => ({
      Effect: 'Deny',
      Action: 'ecs:UpdateService',
      Resource: '*',
      Condition: { Null: { [key]: 'false' } },
    });

    // Act
    const findings = ['ecs:task-definition', 'ecs:enable-execute-command', 'ecs:subnet'].flatMap((key) =>
      check(denied(key)),
    );

    // Assess
    expect(findings).toEqual([]);
  });

  it('accepts a key present in every request on any action', () => {
    const condition = { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } };
    expect(check({ Effect: 'Allow', Action: 'ecs:UpdateService', Resource: '*', Condition: condition })).toEqual([]);
  });

  it('fails wildcard actions and NotAction, even on one resource', () => {
    // Act
    const findings = check({ Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'ecs:*'], Resource: 'arn:aws:kms:x' });
    const notAction = check({ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::bucket' });

    // Assess
    expect(findings.map((f) => f.problem)).toEqual([
      'wildcard action kms:GenerateDataKey*: name each action',
      'wildcard action ecs:*: name each action',
    ]);
    expect(notAction.map((f) => f.problem)).toEqual(['NotAction grants every other action']);
  });

  it('asks for the reference of a conditioned action it does not know yet', () => {
    const condition = { StringEquals: { 'sqs:whatever': 'x' } };
    expect(check({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:q', Condition: condition })).toEqual([
      { where: 'Role/Policy', problem: 'sqs:SendMessage: its condition keys are not in test/support/iam-reference.ts' },
    ]);
  });
});
