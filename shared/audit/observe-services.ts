import {
  type ApplicationAutoScalingClient,
  paginateDescribeScalableTargets,
  paginateDescribeScalingPolicies,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  type ContainerDefinition,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  paginateListClusters,
  paginateListContainerInstances,
  paginateListServices,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { clusterNameOf, serviceNameOf } from '../aws/arn.js';
import { ECS_DESIRED_COUNT } from '../services/scalable-target.js';
import type { ObservedContainer, ObservedService } from './types.js';

/** Which services an audit looks at: every cluster of the region and every service, unless narrowed. */
export interface AuditScope {
  clusters?: readonly string[];
  services?: readonly string[];
}

/** Splits a list into calls of at most `size`: the batch limits of the Describe* APIs. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Memoizes one read per key for the run: a task definition or a cluster's instances is read once. */
export function memo<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    let found = cache.get(key);
    if (found === undefined) {
      found = read(key);
      cache.set(key, found);
    }
    return found;
  };
}

/** The cluster names to audit: those asked for, or every cluster of the account and region. */
export async function clusterNames(ecs: ECSClient, scope: AuditScope): Promise<string[]> {
  if (scope.clusters && scope.clusters.length > 0) return [...scope.clusters];
  const names: string[] = [];
  for await (const page of paginateListClusters({ client: ecs }, {})) {
    names.push(...(page.clusterArns ?? []).map(clusterNameOf));
  }
  return names;
}

/** Every active service of a cluster (or those named), described ten a call. */
export async function describeClusterServices(
  ecs: ECSClient,
  clusterName: string,
  only: readonly string[] | undefined,
): Promise<Service[]> {
  let names: string[] = [];
  if (only && only.length > 0) names = [...only];
  else {
    for await (const page of paginateListServices({ client: ecs }, { cluster: clusterName })) {
      names.push(...(page.serviceArns ?? []).map(serviceNameOf));
    }
  }
  const out: Service[] = [];
  for (const batch of chunks(names, 10)) {
    const page = await ecs.send(new DescribeServicesCommand({ cluster: clusterName, services: batch }));
    out.push(...(page.services ?? []).filter((s) => s.status !== 'INACTIVE'));
  }
  return out;
}

/** The ECS reads of one run, each cached: task definitions, and a cluster's container instances' security groups. */
export function serviceReader(ecs: ECSClient, ec2: EC2Client) {
  const taskDefinition = memo(async (arn) => {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    return out.taskDefinition as TaskDefinition;
  });
  const instanceSecurityGroups = memo(async (clusterName) => {
    const arns: string[] = [];
    for await (const page of paginateListContainerInstances({ client: ecs }, { cluster: clusterName })) {
      arns.push(...(page.containerInstanceArns ?? []));
    }
    const instanceIds: string[] = [];
    for (const batch of chunks(arns, 100)) {
      const out = await ecs.send(
        new DescribeContainerInstancesCommand({ cluster: clusterName, containerInstances: batch }),
      );
      instanceIds.push(...(out.containerInstances ?? []).flatMap((i) => (i.ec2InstanceId ? [i.ec2InstanceId] : [])));
    }
    const groups = new Set<string>();
    for (const batch of chunks(instanceIds, 100)) {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: batch }));
      for (const instance of (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        for (const group of instance.SecurityGroups ?? []) if (group.GroupId) groups.add(group.GroupId);
      }
    }
    return [...groups];
  });
  return { taskDefinition, instanceSecurityGroups };
}

function container(definition: ContainerDefinition): ObservedContainer {
  return {
    name: definition.name ?? '',
    portMappings: (definition.portMappings ?? []).flatMap((p) =>
      p.containerPort === undefined
        ? []
        : [{ containerPort: p.containerPort, ...(p.hostPort !== undefined && { hostPort: p.hostPort }) }],
    ),
    ...(definition.stopTimeout !== undefined && { stopTimeout: definition.stopTimeout }),
    ...(definition.healthCheck && { healthCheckStartPeriod: definition.healthCheck.startPeriod ?? 0 }),
  };
}

/** A service as the checks read it, given its task definition and where its tasks' security groups come from. */
export function observedService(
  clusterName: string,
  service: Service,
  definition: TaskDefinition,
  instanceGroups: readonly string[],
): Omit<ObservedService, 'scalableTarget' | 'scalingPolicyNames' | 'scaledByAutopilot'> {
  const networkMode = (definition.networkMode ?? 'bridge') as ObservedService['networkMode'];
  const awsvpcGroups = service.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? [];
  return {
    clusterName,
    serviceName: service.serviceName ?? '',
    serviceArn: service.serviceArn ?? '',
    desiredCount: service.desiredCount ?? 0,
    networkMode,
    containers: (definition.containerDefinitions ?? []).map(container),
    loadBalancers: (service.loadBalancers ?? []).map((lb) => ({
      ...(lb.targetGroupArn && { targetGroupArn: lb.targetGroupArn }),
      ...(lb.loadBalancerName && { loadBalancerName: lb.loadBalancerName }),
      ...(lb.containerName && { containerName: lb.containerName }),
      ...(lb.containerPort !== undefined && { containerPort: lb.containerPort }),
      ...(lb.advancedConfiguration?.productionListenerRule && {
        productionListenerRule: lb.advancedConfiguration.productionListenerRule,
      }),
      ...(lb.advancedConfiguration?.testListenerRule && {
        testListenerRule: lb.advancedConfiguration.testListenerRule,
      }),
    })),
    servedWithoutLoadBalancer:
      (service.serviceRegistries ?? []).length > 0 ||
      (service.deployments ?? []).some((d) => d.serviceConnectConfiguration?.enabled === true),
    ...(service.healthCheckGracePeriodSeconds !== undefined && {
      healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    }),
    deploymentController: service.deploymentController?.type ?? 'ECS',
    ...(service.deploymentConfiguration?.strategy && { deploymentStrategy: service.deploymentConfiguration.strategy }),
    taskSecurityGroupIds: networkMode === 'awsvpc' ? awsvpcGroups : [...instanceGroups],
  };
}

/** The scalable targets and scaling policies of ECS desired counts, by resource id, read in batches. */
export async function observeScaling(autoScaling: ApplicationAutoScalingClient, resourceIds: readonly string[]) {
  const targets = new Map<string, { minCapacity: number; maxCapacity: number }>();
  const policies = new Map<string, string[]>();
  for (const batch of chunks(resourceIds, 50)) {
    const input = { ServiceNamespace: ECS_DESIRED_COUNT.ServiceNamespace, ResourceIds: batch };
    for await (const page of paginateDescribeScalableTargets({ client: autoScaling }, input)) {
      for (const target of page.ScalableTargets ?? []) {
        if (target.ScalableDimension !== ECS_DESIRED_COUNT.ScalableDimension || !target.ResourceId) continue;
        targets.set(target.ResourceId, { minCapacity: target.MinCapacity ?? 0, maxCapacity: target.MaxCapacity ?? 0 });
      }
    }
  }
  if (targets.size === 0) return { targets, policies };
  // One paginated read of every ECS policy of the region rather than one call per service.
  const input = { ServiceNamespace: ECS_DESIRED_COUNT.ServiceNamespace };
  for await (const page of paginateDescribeScalingPolicies({ client: autoScaling }, input)) {
    for (const policy of page.ScalingPolicies ?? []) {
      if (!policy.ResourceId || !targets.has(policy.ResourceId) || !policy.PolicyName) continue;
      policies.set(policy.ResourceId, [...(policies.get(policy.ResourceId) ?? []), policy.PolicyName]);
    }
  }
  return { targets, policies };
}
