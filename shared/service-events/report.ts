import { capacityProviderNameOf } from '../aws/arn.js';
import type { ServiceEvent } from '../events/service-events.js';
import { type Alert, boundedIncidentId as bounded } from '../notify/alert.js';
import { buildAlert } from '../notify/build-alert.js';
import { inert } from '../notify/markdown.js';
import type { ServiceEventClassification, ServiceSubject } from './classify.js';

/** Everything reporting decides from. */
export interface ServiceEventReport {
  event: ServiceEvent;
  subject: ServiceSubject;
  classification: Extract<ServiceEventClassification, { alert: true }>;
}

/** When the event says it happened: ECS's own timestamp, else the time EventBridge gave the event. */
function occurredAt(event: ServiceEvent): string {
  const own = event['detail-type'] === 'ECS Service Action' ? event.detail.createdAt : event.detail.updatedAt;
  return own ?? event.time;
}

/**
 * The incident an event belongs to, which is both the chat thread and the outbox's de-duplication key.
 * A deployment event belongs to its deployment; a rollback gets its own id, so that the FAILED alert of the same
 * deployment id within SQS's five-minute window does not swallow it. A service action belongs to its condition on
 * one UTC day (from the event's own time, so a redelivery maps to the same id): ECS repeats these while the
 * condition lasts, the repeats within five minutes are dropped, later ones join the same thread, and the next day
 * starts a new one.
 */
export function incidentIdOf(event: ServiceEvent, subject: ServiceSubject, kind: string): string {
  const service = `${subject.clusterName}/${subject.serviceName}`;
  if (event['detail-type'] === 'ECS Deployment State Change') {
    const base = `ecs-deployment/${service}/${event.detail.deploymentId}`;
    if (kind === 'service-deployment-failed') return bounded(base);
    return bounded(`${base}/${kind === 'service-deployment-rollback' ? 'rollback' : kind}`);
  }
  const day = new Date(occurredAt(event)).toISOString().slice(0, 10);
  return bounded(`ecs-service/${service}/${event.detail.eventName}/${day}`);
}

/** The alert for a service event that deserves one. Pure. */
export function serviceEventAlert(report: ServiceEventReport): Alert {
  const { event, subject, classification } = report;
  const detail = event.detail;
  const deployment = event['detail-type'] === 'ECS Deployment State Change' ? event.detail.deploymentId : undefined;
  const capacityProviders =
    event['detail-type'] === 'ECS Service Action' ? (event.detail.capacityProviderArns ?? []) : [];
  const description = [
    `*What happened:* ${inert(classification.summary.replace(/\.+$/, ''))}.`,
    `*Event:* \`${detail.eventName}\` (${detail.eventType}) for service \`${subject.serviceName}\` in cluster \`${subject.clusterName}\`${deployment ? `, deployment \`${deployment}\`` : ''}.`,
    ...(detail.reason ? [`*Reason given by ECS:* ${inert(detail.reason)}`] : []),
    ...(capacityProviders.length
      ? [`*Capacity providers:* ${capacityProviders.map((arn) => `\`${capacityProviderNameOf(arn)}\``).join(', ')}`]
      : []),
    '*What ecs-autopilot did:* reported it; nothing to change on its side (ECS keeps managing the service).',
  ];
  return buildAlert({
    event,
    incidentId: incidentIdOf(event, subject, classification.kind),
    severity: classification.severity,
    kind: `service-event/${classification.kind}`,
    service: subject,
    headline: classification.headline,
    description,
    nextSteps: classification.nextSteps,
    keywords: [detail.eventName, ...(detail.reason && /^[A-Z]+:[A-Z_]+$/.test(detail.reason) ? [detail.reason] : [])],
    links: [{ service: subject }],
    relatedResources: [subject.serviceArn],
    // This reaction changes nothing, so there is nothing a dry run would have held back.
    dryRun: false,
    occurredAt: occurredAt(event),
  });
}
