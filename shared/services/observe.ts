import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  paginateListServices,
  paginateListTasks,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { serviceNameOf } from '../aws/arn.js';
import { disabledByTag } from '../config/managed.js';
import type { AutopilotConfig } from '../config/schema.js';
import { AutopilotError } from '../errors.js';
import type { TaskDetail } from '../events/task-state-change.js';
import type { ServiceState } from './types.js';

/** A configured cluster that ECS does not know in this account and region: the config and AWS disagree. */
export class ClusterNotFoundError extends AutopilotError {
  readonly clusterName: string;

  constructor(clusterName: string, options?: { cause?: unknown }) {
    const said = (options?.cause as Error | undefined)?.message;
    super(`cluster ${clusterName} does not exist in this account and region${said ? ` (ECS: ${said})` : ''}`, options);
    this.name = 'ClusterNotFoundError';
    this.clusterName = clusterName;
  }
}

/** Runs an ECS read of one cluster, turning ECS's anonymous "Cluster not found." into an error that names it. */
async function inCluster<T>(clusterName: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if ((error as Error).name === 'ClusterNotFoundException')
      throw new ClusterNotFoundError(clusterName, { cause: error });
    throw error;
  }
}

/** A DescribeServices Service as the product reads it. */
export function serviceState(clusterName: string, s: Service): ServiceState {
  return {
    serviceArn: s.serviceArn ?? '',
    clusterName,
    serviceName: s.serviceName ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    // Stryker disable next-line ArrayDeclaration: an entry that is not an object names no target group and is left out
    loadBalancers: (s.loadBalancers ?? [])
      .filter((lb) => lb.targetGroupArn && lb.containerName && lb.containerPort !== undefined)
      .map((lb) => ({
        targetGroupArn: lb.targetGroupArn as string,
        containerName: lb.containerName as string,
        containerPort: lb.containerPort as number,
      })),
    tags: Object.fromEntries((s.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
    disabledByTag: disabledByTag(s.tags),
  };
}

/** DescribeServices, ten names a call (its limit), tags included; services that do not exist are left out. */
export async function describeServices(
  ecs: ECSClient,
  clusterName: string,
  names: readonly string[],
): Promise<ServiceState[]> {
  const out: ServiceState[] = [];
  for (let i = 0; i < names.length; i += 10) {
    const page = await inCluster(clusterName, () =>
      ecs.send(
        new DescribeServicesCommand({ cluster: clusterName, services: names.slice(i, i + 10), include: ['TAGS'] }),
      ),
    );
    for (const s of page.services ?? []) if (s.status !== 'INACTIVE') out.push(serviceState(clusterName, s));
  }
  return out;
}

/** One service, read fresh (desired counts and cooldown tags must not come from a cache). */
export async function describeService(ecs: ECSClient, clusterName: string, serviceName: string) {
  return (await describeServices(ecs, clusterName, [serviceName]))[0];
}

/** The names of every service the config manages in a cluster ("*" lists the cluster, paginated). */
export async function managedServiceNames(
  ecs: ECSClient,
  config: AutopilotConfig,
  clusterName: string,
): Promise<string[]> {
  const cluster = config.clusters.find((c) => c.name === clusterName);
  if (!cluster) return [];
  const named = cluster.services.filter((s) => s.name !== '*' && s.enabled).map((s) => s.name);
  if (!cluster.services.some((s) => s.name === '*' && s.enabled)) return named;
  // Stryker disable next-line MethodExpression: an enabled service named in the config is managed whatever the listing says
  const disabled = new Set(cluster.services.filter((s) => !s.enabled).map((s) => s.name));
  const all = new Set(named);
  await inCluster(clusterName, async () => {
    for await (const page of paginateListServices({ client: ecs }, { cluster: clusterName })) {
      for (const arn of page.serviceArns ?? []) {
        const name = serviceNameOf(arn);
        if (!disabled.has(name)) all.add(name);
      }
    }
  });
  return [...all];
}

/** The managed services that could be read, and each configured cluster AWS does not have. */
export interface ManagedServices {
  services: ServiceState[];
  missingClusters: ClusterNotFoundError[];
}

/**
 * Every managed, enabled service of every configured cluster, described. A configured cluster that does not exist
 * is set aside and named, so one stale config entry does not blind every reaction to the other clusters.
 */
export async function observeManagedServices(ecs: ECSClient, config: AutopilotConfig): Promise<ManagedServices> {
  const out: ManagedServices = { services: [], missingClusters: [] };
  for (const cluster of config.clusters) {
    try {
      const names = await managedServiceNames(ecs, config, cluster.name);
      out.services.push(...(await describeServices(ecs, cluster.name, names)));
    } catch (error) {
      if (!(error instanceof ClusterNotFoundError)) throw error;
      out.missingClusters.push(error);
    }
  }
  return out;
}

/** A DescribeTasks Task in the shape of the task-state-change event's detail, so the same planners read both. */
export function taskDetailOf(task: Task): TaskDetail {
  const iso = (d: Date | undefined) => d?.toISOString();
  return {
    taskArn: task.taskArn ?? '',
    clusterArn: task.clusterArn ?? '',
    taskDefinitionArn: task.taskDefinitionArn,
    lastStatus: task.lastStatus ?? 'UNKNOWN',
    desiredStatus: task.desiredStatus ?? 'UNKNOWN',
    version: task.version ?? 0,
    group: task.group,
    startedBy: task.startedBy,
    launchType: task.launchType,
    containerInstanceArn: task.containerInstanceArn,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason || undefined,
    startedAt: iso(task.startedAt),
    stoppingAt: iso(task.stoppingAt),
    stoppedAt: iso(task.stoppedAt),
    containers: (task.containers ?? []).map((c) => ({
      name: c.name ?? '',
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      reason: c.reason,
      networkBindings: c.networkBindings?.map((b) => ({
        bindIP: b.bindIP,
        containerPort: b.containerPort,
        hostPort: b.hostPort,
        protocol: b.protocol,
      })),
      networkInterfaces: c.networkInterfaces?.map((n) => ({ privateIpv4Address: n.privateIpv4Address })),
    })),
    attachments: (task.attachments ?? []).map((a) => ({
      type: a.type ?? '',
      status: a.status,
      details: (a.details ?? []).map((d) => ({ name: d.name ?? '', value: d.value })),
    })),
  };
}

/**
 * The tasks of a service in one desired status, paginated and described a hundred at a time. ListTasks is asked by
 * service name, and the group is checked again because some emulators ignore that filter.
 */
export async function describeServiceTasks(
  ecs: ECSClient,
  clusterName: string,
  serviceName: string,
  desiredStatus: 'RUNNING' | 'STOPPED',
): Promise<TaskDetail[]> {
  const arns: string[] = [];
  await inCluster(clusterName, async () => {
    for await (const page of paginateListTasks({ client: ecs }, { cluster: clusterName, serviceName, desiredStatus })) {
      arns.push(...(page.taskArns ?? []));
    }
  });
  const out: TaskDetail[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const page = await inCluster(clusterName, () =>
      ecs.send(new DescribeTasksCommand({ cluster: clusterName, tasks: arns.slice(i, i + 100) })),
    );
    for (const task of page.tasks ?? []) {
      if (task.group === `service:${serviceName}`) out.push(taskDetailOf(task));
    }
  }
  return out;
}
