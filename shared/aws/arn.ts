import { build, parse } from '@aws-sdk/util-arn-parser';
import { AutopilotError } from '../errors.js';

/** A string that is not the ARN it should be; the message names what was expected. */
export class InvalidArnError extends AutopilotError {
  readonly arn: string;

  constructor(arn: string, expected: string, options?: { cause?: unknown }) {
    super(`"${arn}" is not ${expected}: check where it came from (the event, the config or an AWS answer)`, options);
    this.name = 'InvalidArnError';
    this.arn = arn;
  }
}

/** The `/`-separated parts of an ARN's resource after its type, checked: service, type and how many parts. */
function resourceParts(arn: string, service: string, type: string, expected: string, counts: number[]): string[] {
  let resource: string;
  try {
    const parsed = parse(arn);
    if (parsed.service !== service) throw new InvalidArnError(arn, expected);
    resource = parsed.resource;
  } catch (cause) {
    throw cause instanceof InvalidArnError ? cause : new InvalidArnError(arn, expected, { cause });
  }
  const [kind, ...parts] = resource.split('/');
  if (kind !== type || !counts.includes(parts.length) || parts.some((p) => p === '')) {
    throw new InvalidArnError(arn, expected);
  }
  return parts;
}

/** The last part, which every resource named here has. */
const last = (parts: string[]) => parts[parts.length - 1] as string;

/** `arn:aws:ecs:<region>:<account>:cluster/<name>` → the cluster name. */
export function clusterNameOf(clusterArn: string): string {
  return last(resourceParts(clusterArn, 'ecs', 'cluster', 'an ECS cluster ARN', [1]));
}

/** `…:service/<cluster>/<name>` (or the old `…:service/<name>`) → the service name. */
export function serviceNameOf(serviceArn: string): string {
  return last(resourceParts(serviceArn, 'ecs', 'service', 'an ECS service ARN', [1, 2]));
}

/** True when the string is an ECS service ARN, new format or old: what an event's `resources` are sifted by. */
export function isServiceArn(arn: string): boolean {
  try {
    serviceNameOf(arn);
    return true;
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: serviceNameOf throws nothing but InvalidArnError
    if (error instanceof InvalidArnError) return false;
    throw error;
  }
}

/** The cluster a service ARN names; undefined for the old format `…:service/<name>`, which names none. */
export function serviceClusterNameOf(serviceArn: string): string | undefined {
  const parts = resourceParts(serviceArn, 'ecs', 'service', 'an ECS service ARN', [1, 2]);
  return parts.length > 1 ? parts[0] : undefined;
}

/** `…:task/<cluster>/<id>` (or the old `…:task/<id>`) → the task id. */
export function taskIdOf(taskArn: string): string {
  return last(resourceParts(taskArn, 'ecs', 'task', 'an ECS task ARN', [1, 2]));
}

/** `…:task-definition/<family>:<revision>` → `<family>:<revision>`. */
export function taskDefinitionOf(taskDefinitionArn: string): string {
  return last(resourceParts(taskDefinitionArn, 'ecs', 'task-definition', 'an ECS task definition ARN', [1]));
}

/** `…:capacity-provider/<name>` → the capacity provider name. */
export function capacityProviderNameOf(capacityProviderArn: string): string {
  return last(resourceParts(capacityProviderArn, 'ecs', 'capacity-provider', 'an ECS capacity provider ARN', [1]));
}

const targetGroupParts = (arn: string) =>
  resourceParts(arn, 'elasticloadbalancing', 'targetgroup', 'an ELB target group ARN', [2]);
const loadBalancerParts = (arn: string) =>
  resourceParts(arn, 'elasticloadbalancing', 'loadbalancer', 'an ELB load balancer ARN', [1, 3]);

/** `…:targetgroup/<name>/<id>` → the target group name. */
export function targetGroupNameOf(targetGroupArn: string): string {
  return targetGroupParts(targetGroupArn)[0] as string;
}

/** `…:loadbalancer/app/<name>/<id>` → the load balancer name. */
export function loadBalancerNameOf(loadBalancerArn: string): string {
  const parts = loadBalancerParts(loadBalancerArn);
  return (parts.length >= 3 ? parts[1] : parts[0]) as string;
}

/** The CloudWatch `TargetGroup` dimension of a target group: `targetgroup/<name>/<id>`. */
export function targetGroupDimension(targetGroupArn: string): string {
  return ['targetgroup', ...targetGroupParts(targetGroupArn)].join('/');
}

/** The CloudWatch `LoadBalancer` dimension of a load balancer: `app/<name>/<id>`. */
export function loadBalancerDimension(loadBalancerArn: string): string {
  return loadBalancerParts(loadBalancerArn).join('/');
}

/** The partition of a region: `aws`, `aws-cn` or `aws-us-gov`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The target group ARN a CloudWatch `TargetGroup` dimension stands for, in the region and account of the alarm. */
export function targetGroupArnOfDimension(dimension: string, region: string, accountId: string): string {
  return build({
    partition: partitionOf(region),
    service: 'elasticloadbalancing',
    region,
    accountId,
    resource: dimension,
  });
}

/** The account an ARN belongs to. */
export function accountOf(arn: string): string {
  try {
    return parse(arn).accountId;
  } catch (cause) {
    throw new InvalidArnError(arn, 'an ARN', { cause });
  }
}

/** The service an ARN belongs to: `acm`, `iam`, `elasticloadbalancing`, … */
export function arnServiceOf(arn: string): string {
  try {
    return parse(arn).service;
  } catch (cause) {
    throw new InvalidArnError(arn, 'an ARN', { cause });
  }
}
