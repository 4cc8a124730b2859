import type { AccountConfig } from '#shared/config/accounts.js';
import { loadConfigFile } from '#shared/config/load.js';
import { memberRoleArn, statedPlace } from '#shared/config/places.js';
import type { AutopilotConfig } from '#shared/config/schema.js';
import { alarmRulePattern, eventPatterns, shippedConfigFile } from './function-manifest.js';
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
  /**
   * Roles of the central account whose people may use the CLI here (`--account`), by name or `path/name`, comma
   * separated; empty: none, the functions alone.
   */
  operatorRoles?: string;
}

/** An IAM role name, optionally under a path: no wildcard, so the trust names exactly the roles given. */
const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** The operator roles of the `operator-roles` parameter, each checked to be one exact role name. */
export function operatorRoleNames(param: string | undefined): string[] {
  const names = (param ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  for (const name of names) {
    if (!ROLE_NAME.test(name))
      throw new MemberStackError(
        `operator-roles: "${name}" is not an IAM role name (letters, digits and +=,.@_-, under an optional path; no wildcard)`,
      );
  }
  return [...new Set(names)];
}

/** The trust statement letting the central account's operator roles use the CLI here, with the same external id. */
function operatorTrust(params: MemberParams, externalId: string) {
  const names = operatorRoleNames(params.operatorRoles);
  if (names.length === 0) return [];
  const arns = names.map((n) => sub(`arn:\${AWS::Partition}:iam::${params.centralAccount}:role/${n}`));
  return [
    {
      Sid: 'CentralOperators',
      Effect: 'Allow',
      Principal: { AWS: sub(`arn:\${AWS::Partition}:iam::${params.centralAccount}:root`) },
      Action: 'sts:AssumeRole',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': arns },
        StringEquals: { 'sts:ExternalId': externalId },
      },
    },
  ];
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
 * the central account's function roles (their ARN pattern) and the operator roles the parameter names, each only
 * with the config's external id.
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
              ...operatorTrust(params, account.externalId),
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

/** The central function roles that act in member accounts: the canary promoter's only when a canary lives in one. */
function actingRoles(config: AutopilotConfig): string[] {
  const roles = ['TaskStateChangeRole', 'AlarmStateChangeRole', 'ReconcilerRole', 'AuditRole'];
  return config.canaries.some((c) => c.account !== undefined) ? [...roles, 'CanaryPromoterRole'] : roles;
}

/**
 * The gate alarms of the canaries the config places in this account and region, entering ALARM, forwarded so that
 * the central promoter rolls them back at once; no rule when no canary here names one.
 */
function canaryGateAlarmRule(params: MemberParams, config: AutopilotConfig) {
  const names = config.canaries.flatMap((canary) => {
    const place = statedPlace(canary, config);
    return place?.account === params.account && place.region === params.region ? canary.gateAlarms : [];
  });
  if (names.length === 0) return {};
  const pattern = eventPatterns()['canary-gate-alarms'] as { detail: Record<string, unknown> };
  return {
    ForwardCanaryGateAlarms: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description:
          'Gate alarms of the canaries in this account and region entering ALARM, to the central ecs-autopilot',
        EventPattern: { ...pattern, detail: { ...pattern.detail, alarmName: [...new Set(names)].sort() } },
        Targets: [
          { Id: 'central-bus', Arn: params.centralBusArn, RoleArn: { 'Fn::GetAtt': ['ForwardToCentralRole', 'Arn'] } },
        ],
      },
    },
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
          Roles: actingRoles(config).map((Ref) => ({ Ref })),
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
      ...canaryGateAlarmRule(params, loadConfigFile(configFile)),
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
