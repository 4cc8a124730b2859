import { createHash } from 'node:crypto';
import type { AlarmStateChangeEvent } from '../events/alarm-state-change.js';
import { type AuditRecord, auditLine, troubled } from '../executor/audit.js';
import { type Alert, type AlertSeverity, boundedIncidentId } from '../notify/alert.js';
import { truncateText } from '../notify/bound.js';
import { buildAlert } from '../notify/build-alert.js';
import { inert } from '../notify/markdown.js';
import { alarmEpisode } from './resolve.js';

/** Everything an alarm alert is built from. */
export interface AlarmReport {
  event: AlarmStateChangeEvent;
  /** The reaction the matching rule asked for. */
  reaction: string;
  service?: { clusterName: string; serviceName: string; serviceArn?: string };
  audit: AuditRecord[];
  notes: string[];
  dryRun: boolean;
}

/** One incident per alarm episode: the ALARM and its recovery share the thread, each is delivered once. */
function incidentId(event: AlarmStateChangeEvent): string {
  const { alarmName } = event.detail;
  const episode = createHash('sha256')
    .update(`${alarmName}\u0000${alarmEpisode(event)}`)
    .digest('hex')
    .slice(0, 16);
  return boundedIncidentId(`cloudwatch-alarm/${alarmName}/${episode}`);
}

/** The alert for an alarm that fired and what was done about it, or for its recovery. Pure. */
export function alarmAlert(report: AlarmReport): Alert {
  const { event, reaction, service, audit, notes, dryRun } = report;
  const { detail } = event;
  const recovered = detail.state.value === 'OK';
  const failed = troubled(audit);
  const severity: AlertSeverity = recovered ? 'info' : failed ? 'critical' : 'warning';
  // The reason is CloudWatch's free text, as long as the alarm's author made it: the facts below must stay in view.
  const reason = detail.state.reason === undefined ? undefined : truncateText(inert(detail.state.reason), 1_000);
  const what = recovered
    ? `*Recovered:* ${reason ?? 'the alarm is OK again'}`
    : `*Alarm:* ${reason ?? 'the alarm fired'}`;
  // Audit lines and notes quote AWS's error messages and CloudWatch's text: inert, like the reason.
  const lines = [...audit.map((r) => inert(auditLine(r))), ...notes.map((n) => `• ${inert(n)}`)];
  const did = recovered ? [] : [`*What ecs-autopilot did (${reaction}):*`, ...(lines.length ? lines : ['• nothing'])];
  const id = incidentId(event);
  return buildAlert({
    event,
    incidentId: id,
    dedupKey: `${id}/${detail.state.value}`,
    severity,
    kind: recovered ? 'alarm/recovered' : `alarm/${reaction}`,
    ...(service ? { service } : {}),
    headline: `${recovered ? 'recovered' : 'alarm'} ${detail.alarmName}`,
    description: [what, ...did],
    nextSteps: recovered
      ? []
      : failed
        ? [
            'The automation could not finish: read the reasons above and the function logs for the audit record.',
            ...(audit.some((r) => r.outcome === 'failed')
              ? [
                  'Lambda retries this alarm twice and redoes only what did not land (this alert is not sent again); if every retry fails, the event goes to the events DLQ, which pages the operations topic.',
                ]
              : []),
          ]
        : reaction === 'notify-only'
          ? ['Open the alarm and the resource it watches; this alarm is configured to notify only.']
          : ['Watch the alarm: it should return to OK. If it does not, the cause is not the targets or the capacity.'],
    keywords: [reaction, detail.state.value],
    links: [{ alarm: detail.alarmName }, ...(service ? [{ service }] : [])],
    relatedResources: [...event.resources, ...(service?.serviceArn ? [service.serviceArn] : [])],
    dryRun,
    occurredAt: new Date(Date.parse(event.time)).toISOString(),
  });
}
