import { targetGroupNameOf } from '../aws/arn.js';
import { type Alert, type AlertSeverity, boundedIncidentId, consoleLinks } from './alert.js';

/** A console page an alert links to; the label and the address are derived here. */
export type AlertLinkTo =
  | { task: { clusterName: string; taskArn: string } }
  | { service: { clusterName: string; serviceName: string }; label?: string }
  | { targetGroup: string }
  | { alarm: string };

/** What a report says of its own; every other field of an alert is derived from it, the same way for every reaction. */
export interface AlertContent {
  /** The event reported on: its region and account are the alert's. */
  event: { region: string; account: string };
  /** The incident: the chat thread and the outbox's de-duplication key (bounded here). */
  incidentId: string;
  dedupKey?: string;
  severity: AlertSeverity;
  kind: string;
  /** The one service the alert is about: its cluster and service, and the head of its title. */
  service?: { clusterName: string; serviceName: string };
  /** For an alert about no one service: the cluster and service subscribers filter on (default `none`). */
  scope?: { cluster: string; service: string };
  /** The title, after `<cluster>/<service>: ` when the alert is about one service. */
  headline: string;
  /** Markdown, one entry a line. */
  description: string[];
  nextSteps: string[];
  keywords: string[];
  links: AlertLinkTo[];
  relatedResources: string[];
  dryRun: boolean;
  occurredAt: string;
  /** Figures shown as fields beside the standard facts (counts, thresholds). */
  facts?: Alert['facts'];
}

function link(to: AlertLinkTo, region: string): Alert['links'][number] {
  if ('task' in to) {
    return { label: 'Task', url: consoleLinks.task(region, to.task.clusterName, to.task.taskArn) };
  }
  if ('service' in to) {
    const { clusterName, serviceName } = to.service;
    return { label: to.label ?? 'Service', url: consoleLinks.service(region, clusterName, serviceName) };
  }
  if ('targetGroup' in to) {
    return {
      label: `Target group ${targetGroupNameOf(to.targetGroup)}`,
      url: consoleLinks.targetGroup(region, to.targetGroup),
    };
  }
  return { label: 'Alarm', url: consoleLinks.alarm(region, to.alarm) };
}

/** The alert a report describes, with everything every alert carries filled in one way. Pure. */
export function buildAlert(content: AlertContent): Alert {
  const { event, service, scope } = content;
  return {
    incidentId: boundedIncidentId(content.incidentId),
    ...(content.dedupKey === undefined ? {} : { dedupKey: content.dedupKey }),
    severity: content.severity,
    kind: content.kind,
    title: service ? `${service.clusterName}/${service.serviceName}: ${content.headline}` : content.headline,
    description: content.description.join('\n'),
    nextSteps: content.nextSteps,
    keywords: content.keywords,
    cluster: service?.clusterName ?? scope?.cluster ?? 'none',
    service: service?.serviceName ?? scope?.service ?? 'none',
    region: event.region,
    account: event.account,
    links: content.links.map((to) => link(to, event.region)),
    relatedResources: content.relatedResources,
    dryRun: content.dryRun,
    occurredAt: content.occurredAt,
    ...(content.facts ? { facts: content.facts } : {}),
  };
}
