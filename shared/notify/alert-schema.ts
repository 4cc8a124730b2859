import * as v from '../validation/input-schema.js';
import { MAX_INCIDENT_ID } from './incident-id.js';

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
