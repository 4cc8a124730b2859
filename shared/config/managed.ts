import type { AutopilotConfig, TaskFailurePolicy } from './schema.js';

type ScalingBounds = NonNullable<AutopilotConfig['clusters'][number]['services'][number]['scaling']>;

/** The tag that switches the automation off for one service, whatever the config says. */
export const DISABLED_TAG = 'ecs-autopilot:disabled';

/** What the config says about one service: whether it is managed, and its effective policies. */
export type ServiceManagement =
  | { managed: false; why: string }
  | { managed: true; taskFailures: TaskFailurePolicy; scaling?: ScalingBounds };

/** Looks a service up in the config: exact name first, then the cluster's "*" entry. */
export function serviceManagement(
  config: AutopilotConfig,
  clusterName: string,
  serviceName: string,
): ServiceManagement {
  const cluster = config.clusters.find((c) => c.name === clusterName);
  if (!cluster) return { managed: false, why: `cluster ${clusterName} is not in the config` };
  const service = cluster.services.find((s) => s.name === serviceName) ?? cluster.services.find((s) => s.name === '*');
  if (!service) return { managed: false, why: `service ${serviceName} is not in the config of cluster ${clusterName}` };
  if (!service.enabled) return { managed: false, why: `service ${serviceName} is disabled in the config` };
  return { managed: true, taskFailures: { ...config.taskFailures, ...service.taskFailures }, scaling: service.scaling };
}

/** True when the service carries the kill-switch tag with any value but "false". */
export function disabledByTag(tags: ReadonlyArray<{ key?: string; value?: string }> | undefined): boolean {
  return (tags ?? []).some((t) => t.key === DISABLED_TAG && t.value?.toLowerCase() !== 'false');
}
