import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { serviceManagement } from '../config/managed.js';
import type { AutopilotConfig } from '../config/schema.js';
import { foreignOrigin, type Home, untrustedTime } from '../events/origin.js';
import type { ServiceEvent } from '../events/service-events.js';
import { currentTime } from '../lambda/clock.js';
import { type EventMetrics, eventMetrics, type IgnoredReason } from '../logging/metrics.js';
import type { Alert } from '../notify/alert.js';
import { enqueueAlert } from '../notify/outbox.js';
import {
  classifyServiceEvent,
  type ServiceEventClassification,
  type ServiceSubject,
  serviceSubject,
} from './classify.js';
import { serviceEventAlert } from './report.js';

/** What the service-event reaction depends on; everything is passed in, so tests and replays wire their own. */
export interface ServiceEventReactionDeps {
  config: AutopilotConfig;
  sqs: SQSClient;
  outboxUrl: string;
  logger: Logger;
  /** The account and region this deployment manages; events of others are not reported. */
  home?: Home;
  metrics?: EventMetrics;
  now?: () => Date;
}

/** The whole story of one event: why it was ignored, or how it was classified and what was reported. */
export interface ServiceEventReaction {
  eventId: string;
  subject?: ServiceSubject;
  ignored?: string;
  classification?: ServiceEventClassification;
  alert?: Alert;
}

/**
 * observe (the event alone) → classify → report, for one `ECS Service Action` or `ECS Deployment State Change`
 * event of a managed service. It mutates nothing, so there is no plan for the executor; its one AWS call queues
 * the alert.
 */
export async function reactToServiceEvent(
  event: ServiceEvent,
  deps: ServiceEventReactionDeps,
): Promise<ServiceEventReaction> {
  const { config, logger } = deps;
  const { eventName, eventType } = event.detail;
  const metrics = deps.metrics ?? eventMetrics('service-event');
  // Dropped without an alert, so never silently: an info line (a warning for a gap in our reading) and a count.
  const ignored = (reason: IgnoredReason, why: string, fields: Record<string, unknown>, warn = false) => {
    (warn ? logger.warn.bind(logger) : logger.info.bind(logger))(`ignored: ${why}`, { eventId: event.id, ...fields });
    metrics.ignored(reason);
  };
  const foreign = deps.home && foreignOrigin(event, deps.home, event.resources);
  const untrusted = untrustedTime(event.time, (deps.now ?? currentTime)());
  if (foreign || untrusted) {
    ignored(foreign ? 'foreign' : 'future-dated', (foreign || untrusted) as string, { eventName });
    return { eventId: event.id, ignored: foreign || untrusted };
  }
  const classification = classifyServiceEvent(event);
  const subject = serviceSubject(event);
  if ('why' in subject) {
    // An event worth an alert that names no service we can look up is a gap in our reading of AWS: say so loudly.
    ignored('not-managed', subject.why, { eventName, resources: event.resources }, classification.alert);
    return { eventId: event.id, ignored: subject.why, classification };
  }
  const management = serviceManagement(config, subject.clusterName, subject.serviceName);
  if (!management.managed) {
    ignored('not-managed', management.why, { eventName, subject });
    return { eventId: event.id, subject, ignored: management.why };
  }
  if (!classification.alert) {
    ignored('not-alerted', classification.why, { eventName, eventType, subject });
    return { eventId: event.id, subject, ignored: classification.why, classification };
  }

  const alert = serviceEventAlert({ event, subject, classification });
  await enqueueAlert(deps.sqs, deps.outboxUrl, alert);
  logger.info(`alert queued: ${alert.title}`, {
    eventId: event.id,
    eventName,
    incidentId: alert.incidentId,
    severity: alert.severity,
  });
  return { eventId: event.id, subject, classification, alert };
}
