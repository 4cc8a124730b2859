import { createHash } from 'node:crypto';
import { taskIdOf } from '../aws/arn.js';
import * as v from '../validation/input-schema.js';

/** The longest incident id the alert schema (and so the outbox and the chat thread) takes. */
const MAX_INCIDENT_ID = 128;

const nonEmpty = () => v.pipe(v.string(), v.minLength(1));

/** An alert as reporting produces it and the notifier delivers it: channel-neutral, validated at both ends. */
export const AlertSchema = v.object({
  /** Groups one incident: the chat thread and the de-duplication key. */
  incidentId: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_INCIDENT_ID)),
  /** What the outbox de-duplicates on when it is not the incident itself (an alarm and its recovery share a thread). */
  dedupKey: v.optional(nonEmpty()),
  severity: v.picklist(['critical', 'warning', 'info']),
  /** `<reaction>/<what>`, e.g. `task-stopped/out-of-memory`: subscribers filter on it. */
  kind: nonEmpty(),
  title: nonEmpty(),
  /** Markdown. */
  description: nonEmpty(),
  nextSteps: v.array(v.string()),
  keywords: v.array(v.string()),
  cluster: v.string(),
  service: v.string(),
  region: v.string(),
  account: v.string(),
  links: v.array(v.object({ label: v.string(), url: v.pipe(v.string(), v.url()) })),
  relatedResources: v.array(v.string()),
  dryRun: v.boolean(),
  occurredAt: v.pipe(v.string(), v.isoTimestamp()),
  /** Figures a person scans first (counts, first and last time), shown as fields beside the standard facts. */
  facts: v.optional(v.array(v.object({ label: nonEmpty(), value: v.string() }))),
  /**
   * What one alert stands for when it reports several occurrences at once (the task stops of a batch): how many, and
   * when the first and the last happened. Absent: one occurrence, at `occurredAt`. Grouping sums the counts.
   */
  occurrences: v.optional(
    v.object({
      count: v.pipe(v.int(), v.minValue(1)),
      firstAt: v.pipe(v.string(), v.isoTimestamp()),
      lastAt: v.pipe(v.string(), v.isoTimestamp()),
    }),
  ),
});

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

/** An incident id within the schema's limit: long names are cut and a hash of the whole keeps ids distinct. */
export function boundedIncidentId(id: string): string {
  if (id.length <= MAX_INCIDENT_ID) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${id.slice(0, MAX_INCIDENT_ID - hash.length - 1)}~${hash}`;
}
