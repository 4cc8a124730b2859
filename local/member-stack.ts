import type { AccountConfig } from '#shared/config/accounts.js';
import { loadConfigFile } from '#shared/config/load.js';
import { memberRoleArn } from '#shared/config/places.js';
import type { AutopilotConfig } from '#shared/config/schema.js';
import { alarmRulePattern, shippedConfigFile } from './function-manifest.js';
import { executionRoleStatements, sub } from './member-grants.js';

export { executionRoleStatements } from './member-grants.js';

/** A packaging input that is missing or wrong: packaging stops and says which parameter to give. */
export class MemberStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemberStackError';
  }
}

/** The member stack's parameters, as `--param name=value` gives them to serverless. */
export interface MemberParams {
  /** The account this member stack is deployed in (listed under `accounts` in the config). */
  account: string;
  /** The region it is deployed in. */
  region: string;
  /** The central deployment's account, and the stage its stack was deployed with. */
  centralAccount: string;
  centralStage: string;
  /** The central account's default event bus, where the rules forward to. */
  centralBusArn: string;
}

function accountOf(config: AutopilotConfig, params: MemberParams): AccountConfig {
  const account = config.accounts.find((a) => a.id === params.account);
  if (!account)
    throw new MemberStackError(
      `account ${params.account} is not under accounts in the config: list it (with its regions) before deploying its member stack`,
    );
  if (!account.regions.includes(params.region))
    throw new MemberStackError(
      `region ${params.region} is not one of account ${account.id}'s regions in the config (${account.regions.join(', ')})`,
    );
  return account;
}

/**
 * The member stack's execution role, created in the account's first region only (IAM roles are global): trusted by
 * the central account's function roles alone (their ARN pattern), and only with the config's external id.
 */
export function memberExecutionRole(params: MemberParams, configFile = shippedConfigFile) {
  const config = loadConfigFile(configFile);
  const account = accountOf(config, params);
  if (params.region !== account.regions[0]) return { Resources: {} };
  if (!account.externalId)
    throw new MemberStackError(
      `account ${account.id} has no externalId in the config: the member role must not trust the central account without one`,
    );
  const statements = executionRoleStatements(config, account);
  const functionRoles = `arn:\${AWS::Partition}:iam::${params.centralAccount}:role/ecs-autopilot-${params.centralStage}-*`;
  return {
    Resources: {
      ExecutionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: account.roleName,
          Description: `Assumed by the ecs-autopilot functions of account ${params.centralAccount} (stage ${params.centralStage})`,
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: sub(`arn:\${AWS::Partition}:iam::${params.centralAccount}:root`) },
                Action: 'sts:AssumeRole',
                Condition: {
                  ArnLike: { 'aws:PrincipalArn': sub(functionRoles) },
                  StringEquals: { 'sts:ExternalId': account.externalId },
                },
              },
            ],
          },
          ...(statements.length
            ? {
                Policies: [
                  {
                    PolicyName: 'ecs-autopilot-member',
                    PolicyDocument: { Version: '2012-10-17', Statement: statements },
                  },
                ],
              }
            : {}),
        },
      },
    },
    Outputs: { ExecutionRoleArn: { Value: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] } } },
  };
}

/**
 * What the central stack adds for its members: the default bus accepts their events (and no one else's), and the
 * functions that act there may assume their execution roles (and no other role). Nothing without members.
 */
export function centralMemberAccess(configFile = shippedConfigFile) {
  const config = loadConfigFile(configFile);
  if (config.accounts.length === 0) return { Resources: {} };
  return {
    Resources: {
      MemberEventsBusPolicy: {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: 'default',
          StatementId: sub(`\${AWS::StackName}-member-accounts`),
          Statement: {
            Sid: sub(`\${AWS::StackName}-member-accounts`),
            Effect: 'Allow',
            Principal: { AWS: config.accounts.map((a) => sub(`arn:\${AWS::Partition}:iam::${a.id}:root`)) },
            Action: 'events:PutEvents',
            Resource: sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`),
          },
        },
      },
      MemberRoleAccess: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          Description: 'Assume the execution roles of the member accounts the config lists, and no other role',
          Roles: ['TaskStateChangeRole', 'AlarmStateChangeRole', 'ReconcilerRole', 'AuditRole'].map((Ref) => ({ Ref })),
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AssumeMemberExecutionRoles',
                Effect: 'Allow',
                Action: 'sts:AssumeRole',
                Resource: config.accounts.map((a) => sub(memberRoleArn(a, `\${AWS::Partition}`))),
              },
            ],
          },
        },
      },
    },
  };
}

/** The computed resources of the member stack: the alarm forwarding rule and, in the first region, the role. */
export function memberStackResources(params: MemberParams, configFile = shippedConfigFile) {
  const role = memberExecutionRole(params, configFile);
  return {
    Resources: {
      ...role.Resources,
      ForwardAlarmStateChange: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: 'CloudWatch alarms whose names a rule of the config matches, to the central ecs-autopilot',
          EventPattern: alarmRulePattern(configFile),
          Targets: [
            {
              Id: 'central-bus',
              Arn: params.centralBusArn,
              RoleArn: { 'Fn::GetAtt': ['ForwardToCentralRole', 'Arn'] },
            },
          ],
        },
      },
    },
    ...('Outputs' in role ? { Outputs: role.Outputs } : {}),
  };
}
