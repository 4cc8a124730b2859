import * as z from '../validation/runtime-schema.js';
import { EventBridgeEnvelopeSchema } from './eventbridge.js';

const optionalString = z.optional(z.string());
const nonEmpty = () => z.string().check(z.minLength(1));

/** INFO, WARN or ERROR today; kept open so that a new type AWS adds reaches the classifier instead of the DLQ. */
const EventType = nonEmpty();

/**
 * The `detail` of an `ECS Service Action` event. The service is not here but in the event's `resources`;
 * `reason`, `capacityProviderArns`, `desiredCount` and `taskArns` come with some event names only.
 */
export const ServiceActionDetailSchema = z.looseObject({
  eventType: EventType,
  eventName: nonEmpty(),
  clusterArn: z.optional(z.string().check(z.startsWith('arn:'))),
  createdAt: z.optional(z.iso.datetime({ offset: true })),
  reason: optionalString,
  capacityProviderArns: z.optional(z.array(z.string())),
  desiredCount: z.optional(z.int().check(z.nonnegative())),
  taskArns: z.optional(z.array(z.string())),
});

/** The `detail` of an `ECS Deployment State Change` event: no cluster ARN, the service is in `resources`. */
export const DeploymentStateChangeDetailSchema = z.looseObject({
  eventType: EventType,
  eventName: nonEmpty(),
  deploymentId: nonEmpty(),
  updatedAt: z.optional(z.iso.datetime({ offset: true })),
  reason: optionalString,
});

const ServiceEventBase = z.extend(EventBridgeEnvelopeSchema, {
  source: z.literal('aws.ecs'),
  resources: z.array(z.string()).check(z.minLength(1)),
});

export const ServiceActionEventSchema = z.extend(ServiceEventBase, {
  'detail-type': z.literal('ECS Service Action'),
  detail: ServiceActionDetailSchema,
});

export const DeploymentStateChangeEventSchema = z.extend(ServiceEventBase, {
  'detail-type': z.literal('ECS Deployment State Change'),
  detail: DeploymentStateChangeDetailSchema,
});

/** Either event about an ECS service, told apart by `detail-type`. */
export const ServiceEventSchema = z.discriminatedUnion('detail-type', [
  ServiceActionEventSchema,
  DeploymentStateChangeEventSchema,
]);

export type ServiceActionEvent = z.output<typeof ServiceActionEventSchema>;
export type DeploymentStateChangeEvent = z.output<typeof DeploymentStateChangeEventSchema>;
export type ServiceEvent = z.output<typeof ServiceEventSchema>;
export type ServiceActionDetail = z.output<typeof ServiceActionDetailSchema>;
export type DeploymentStateChangeDetail = z.output<typeof DeploymentStateChangeDetailSchema>;
