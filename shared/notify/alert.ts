import { taskIdOf } from '../aws/arn.js';
import type * as v from '../validation/input-schema.js';
import type { AlertSchema } from './alert-schema.js';

export { boundedIncidentId } from './incident-id.js';

/** An alert as reporting produces it and the notifier delivers it (`AlertSchema`, which only its readers import). */
export type Alert = v.InferOutput<typeof AlertSchema>;
export type AlertSeverity = Alert['severity'];

/**
 * What makes two alerts the same delivery: the outbox de-duplicates on it, the notifier publishes it and grouping
 * counts it once. Where it happened is part of it: the same incident id of a same-named service in two accounts or
 * regions is two deliveries.
 */
export function alertDeliveryKey(alert: Alert): string {
  return `${alert.account}/${alert.region}/${alert.dedupKey ?? alert.incidentId}`;
}

/** Console links for the resources an alert is about. */
export const consoleLinks = {
  task(region: string, cluster: string, taskArn: string) {
    const id = taskIdOf(taskArn);
    return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${cluster}/tasks/${id}/configuration?region=${region}`;
  },
  service(region: string, cluster: string, service: string) {
    return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${cluster}/services/${service}/health?region=${region}`;
  },
  alarm(region: string, alarmName: string) {
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
  },
  targetGroup(region: string, targetGroupArn: string) {
    return `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#TargetGroup:targetGroupArn=${encodeURIComponent(targetGroupArn)}`;
  },
};
