import type { AccountConfig } from '#shared/config/accounts.js';
import { placeOf } from '#shared/config/places.js';
import type { AutopilotConfig } from '#shared/config/schema.js';
import { canarySideServices, canaryStatements } from './member-canary-grants.js';
import { ecsScalableTargetBounds } from './scalable-target-grant.js';
import { type Statement, type Sub, sub } from './template-sub.js';

export { type Statement, sub } from './template-sub.js';

const ecsArn = (region: string, resource: string) =>
  sub(`arn:\${AWS::Partition}:ecs:${region}:\${AWS::AccountId}:${resource}`);

/**
 * The grants of the execution role: exactly what the central functions call in this account, for the clusters the
 * config places here, in every region of the account (the role is global, so it is created once, in the account's
 * first region). Reads and target deregistration always (task stops, the reconciler, the audit's reads); stopping
 * tasks, scaling and scalable targets only when an alarm rule asks for them and a service here can be scaled.
 */
export function executionRoleStatements(config: AutopilotConfig, account: AccountConfig): Statement[] {
  const home = { account: '', region: '' };
  const here = config.clusters.flatMap((c) => {
    const place = placeOf(c, config, home);
    return place.account === account.id ? [{ name: c.name, region: place.region, services: c.services }] : [];
  });
  const canaries = canaryStatements(config, account);
  if (here.length === 0) return canaries;
  const clusters = here.map((c) => ecsArn(c.region, `cluster/${c.name}`));
  const tasks = here.map((c) => ecsArn(c.region, `task/${c.name}/*`));
  const services = here.map((c) => ecsArn(c.region, `service/${c.name}/*`));
  const regions = [...new Set(here.map((c) => c.region))];
  const statements: Statement[] = [
    {
      Sid: 'ListInManagedClusters',
      Effect: 'Allow',
      Action: ['ecs:ListServices', 'ecs:ListTasks'],
      Resource: '*',
      Condition: { ArnEquals: { 'ecs:cluster': clusters } },
    },
    { Sid: 'ReadEcsServices', Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: services },
    { Sid: 'ReadEcsTasks', Effect: 'Allow', Action: 'ecs:DescribeTasks', Resource: tasks },
    {
      Sid: 'ReadEcsContainerInstances',
      Effect: 'Allow',
      Action: 'ecs:DescribeContainerInstances',
      Resource: here.map((c) => ecsArn(c.region, `container-instance/${c.name}/*`)),
    },
    { Sid: 'ReadTargetHealth', Effect: 'Allow', Action: 'elasticloadbalancing:DescribeTargetHealth', Resource: '*' },
    {
      Sid: 'DeregisterTargetsOfManagedTargetGroups',
      Effect: 'Allow',
      Action: 'elasticloadbalancing:DeregisterTargets',
      Resource: regions.map((r) =>
        sub(`arn:\${AWS::Partition}:elasticloadbalancing:${r}:\${AWS::AccountId}:targetgroup/*/*`),
      ),
      Condition: { StringEquals: { 'aws:ResourceTag/ecs-autopilot:managed': 'true' } },
    },
  ];
  statements.push(...auditStatements(clusters, regions));
  if (config.alarms.some((r) => r.reaction === 'deregister-unhealthy' && r.stopTasks))
    statements.push({
      Sid: 'StopTasksOfManagedClusters',
      Effect: 'Allow',
      Action: 'ecs:StopTask',
      Resource: tasks,
      Condition: { ArnEquals: { 'ecs:cluster': clusters } },
    });
  const scaling = config.alarms.some((r) => r.reaction === 'scale-out' || r.reaction === 'scale-in');
  if (scaling && here.some((c) => c.services.some((s) => s.scaling)))
    statements.push(...scalingStatements(services, regions, canarySideServices(config, account)));
  return [...statements, ...canaries];
}

/** The daily audit's reads (it changes nothing): container instances, task definitions, load balancing, certificates. */
function auditStatements(clusters: Sub[], regions: string[]): Statement[] {
  return [
    {
      Sid: 'ListContainerInstancesOfManagedClusters',
      Effect: 'Allow',
      Action: 'ecs:ListContainerInstances',
      Resource: clusters,
    },
    {
      Sid: 'AuditReadsThatTakeNoResource',
      Effect: 'Allow',
      Action: [
        'ecs:DescribeTaskDefinition',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeSSLPolicies',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances',
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
      ],
      Resource: '*',
    },
    {
      Sid: 'AuditReadsCertificates',
      Effect: 'Allow',
      Action: 'acm:DescribeCertificate',
      Resource: regions.map((r) => sub(`arn:\${AWS::Partition}:acm:${r}:\${AWS::AccountId}:certificate/*`)),
    },
  ];
}

/** UpdateService of the desired count only, the bounds of ECS scalable targets, the service's own tags. */
function scalingStatements(services: Sub[], regions: string[], canarySides: Sub[]): Statement[] {
  const never = (sid: string, key: string, except: Sub[] = []) => ({
    Sid: sid,
    Effect: 'Deny',
    Action: 'ecs:UpdateService',
    // A canary's release is a new task definition on its idle side: the one exception, on those services alone.
    ...(except.length ? { NotResource: except } : { Resource: '*' }),
    Condition: { Null: { [key]: 'false' } },
  });
  return [
    {
      Sid: 'ReadScalableTargets',
      Effect: 'Allow',
      Action: 'application-autoscaling:DescribeScalableTargets',
      Resource: '*',
    },
    { Sid: 'ScaleServicesOfManagedClusters', Effect: 'Allow', Action: 'ecs:UpdateService', Resource: services },
    never('NeverChangeTaskDefinitions', 'ecs:task-definition', canarySides),
    never('NeverEnableExecuteCommand', 'ecs:enable-execute-command'),
    never('NeverChangeSubnets', 'ecs:subnet'),
    {
      Sid: 'WriteOwnServiceTags',
      Effect: 'Allow',
      Action: 'ecs:TagResource',
      Resource: services,
      Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['ecs-autopilot:*'] } },
    },
    {
      Sid: 'NeverWriteTheKillSwitch',
      Effect: 'Deny',
      Action: 'ecs:TagResource',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['ecs-autopilot:disabled'] } },
    },
    ecsScalableTargetBounds('SetEcsScalableTargetBounds', regions),
  ];
}
