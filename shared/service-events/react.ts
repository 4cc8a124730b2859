import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { serviceManagement } from '../config/managed.js';
import type { AutopilotConfig } from '../config/schema.js';
import type { ServiceEvent } from '../events/service-events.js';
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
  const classification = classifyServiceEvent(event);
  const subject = serviceSubject(event);
  if ('why' in subject) {
    // An event worth an alert that names no service we can look up is a gap in our reading of AWS: say so loudly.
    const log = classification.alert ? logger.warn.bind(logger) : logger.debug.bind(logger);
    log(`ignored: ${subject.why}`, { eventId: event.id, eventName, resources: event.resources });
    return { eventId: event.id, ignored: subject.why, classification };
  }
  const management = serviceManagement(config, subject.clusterName, subject.serviceName);
  if (!management.managed) {
    logger.debug(`ignored: ${management.why}`, { eventId: event.id, eventName, subject });
    return { eventId: event.id, subject, ignored: management.why };
  }
  if (!classification.alert) {
    logger.debug(`ignored: ${classification.why}`, { eventId: event.id, eventName, eventType, subject });
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
