import type { World } from '#local/world.js';
import { type ServiceEvent, ServiceEventSchema } from '#shared/events/service-events.js';
import {
  classifyServiceEvent,
  type ServiceEventClassification,
  type ServiceSubject,
  serviceSubject,
} from '#shared/service-events/classify.js';
import { serviceEventAlert } from '#shared/service-events/report.js';
import * as v from '#shared/validation/input-schema.js';
import { eventNames, loadEvent } from '#test/support/fixtures.js';

/** A sample, parsed as the handler's parser middleware would. */
export function sample(name: string): ServiceEvent {
  return v.parse(ServiceEventSchema, loadEvent(name));
}

export function subjectOf(event: ServiceEvent): ServiceSubject {
  const subject = serviceSubject(event);
  if ('why' in subject) throw new Error(`no subject: ${subject.why}`);
  return subject;
}

export function alerting(classification: ServiceEventClassification) {
  if (!classification.alert) throw new Error(`expected an alert, got quiet: ${classification.why}`);
  return classification;
}

/** The alert a sample produces (it must produce one). */
export function alertOf(event: ServiceEvent) {
  return serviceEventAlert({ event, subject: subjectOf(event), classification: alerting(classifyServiceEvent(event)) });
}

export const ourSamples = [...eventNames('repo', 'service-'), ...eventNames('repo', 'deployment-')];
export const awsSamples = [
  ...eventNames('aws', 'ecs-service-action-'),
  ...eventNames('aws', 'ecs-deployment-state-change-'),
];

type ServiceEventSample = { account: string; resources: string[]; detail: Record<string, unknown> };

/** One of our samples, moved into the world: its account, its service's ARN and its cluster's ARN. */
export function worldEvent(world: World, name: string, service = 'web'): ServiceEventSample {
  const event = loadEvent(name) as ServiceEventSample;
  const serviceArn = world.services[service]?.serviceArn;
  if (serviceArn === undefined) throw new Error(`no service ${service} in the world`);
  event.account = world.account;
  event.resources = [serviceArn];
  if ('clusterArn' in event.detail) event.detail.clusterArn = world.clusterArn;
  return event;
}
