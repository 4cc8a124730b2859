import type { TaskStateChangeEvent } from '../events/task-state-change.js';
import type { Alert } from '../notify/alert.js';

/**
 * The one warning that the config names a cluster ECS does not know here. Its incident is the cluster, so the
 * outbox keeps every batch that finds the same gap to a single alert. Pure.
 */
export function clusterMissingAlert(clusterName: string, event: TaskStateChangeEvent | undefined): Alert | undefined {
  if (!event) return undefined;
  const { region, account } = event;
  return {
    incidentId: `config/cluster-missing/${clusterName}`.slice(0, 128),
    severity: 'warning',
    kind: 'config/cluster-missing',
    title: `${clusterName}: the config manages a cluster that does not exist in ${account}/${region}`,
    description: `*What happened:* an ECS task event names cluster \`${clusterName}\`, which the config manages, but ECS answers that no such cluster exists in account ${account}, region ${region}.\n*What ecs-autopilot did:* nothing for this cluster's events; the other clusters are handled as usual.`,
    nextSteps: [
      'Check the cluster name in ecs-autopilot.yml against the clusters of this account and region.',
      'If the cluster was deleted on purpose, remove it from the config.',
    ],
    keywords: ['config', 'cluster-missing'],
    cluster: clusterName,
    service: '',
    region,
    account,
    links: [],
    relatedResources: [event.detail.clusterArn],
    dryRun: false,
    occurredAt: event.time,
  };
}
