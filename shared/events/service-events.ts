import * as v from '../validation/input-schema.js';
import { EventBridgeEnvelopeSchema } from './eventbridge.js';

const optionalString = v.optional(v.string());
const nonEmpty = () => v.pipe(v.string(), v.minLength(1));

/** INFO, WARN or ERROR today; kept open so that a new type AWS adds reaches the classifier instead of the DLQ. */
const EventType = nonEmpty();

/**
 * The `detail` of an `ECS Service Action` event. The service is not here but in the event's `resources`;
 * `reason`, `capacityProviderArns`, `desiredCount` and `taskArns` come with some event names only.
 */
export const ServiceActionDetailSchema = v.looseObject({
  eventType: EventType,
  eventName: nonEmpty(),
  clusterArn: v.optional(v.pipe(v.string(), v.startsWith('arn:'))),
  createdAt: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  reason: optionalString,
  capacityProviderArns: v.optional(v.array(v.string())),
  desiredCount: v.optional(v.pipe(v.int(), v.minValue(0))),
  taskArns: v.optional(v.array(v.string())),
});

/** The `detail` of an `ECS Deployment State Change` event: no cluster ARN, the service is in `resources`. */
export const DeploymentStateChangeDetailSchema = v.looseObject({
  eventType: EventType,
  eventName: nonEmpty(),
  deploymentId: nonEmpty(),
  updatedAt: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  reason: optionalString,
});

const ServiceEventBase = v.object({
  ...EventBridgeEnvelopeSchema.entries,
  source: v.literal('aws.ecs'),
  resources: v.pipe(v.array(v.string()), v.minLength(1)),
});

export const ServiceActionEventSchema = v.object({
  ...ServiceEventBase.entries,
  'detail-type': v.literal('ECS Service Action'),
  detail: ServiceActionDetailSchema,
});

export const DeploymentStateChangeEventSchema = v.object({
  ...ServiceEventBase.entries,
  'detail-type': v.literal('ECS Deployment State Change'),
  detail: DeploymentStateChangeDetailSchema,
});

/** Either event about an ECS service, told apart by `detail-type`. */
export const ServiceEventSchema = v.variant('detail-type', [
  ServiceActionEventSchema,
  DeploymentStateChangeEventSchema,
]);

export type ServiceActionEvent = v.InferOutput<typeof ServiceActionEventSchema>;
export type DeploymentStateChangeEvent = v.InferOutput<typeof DeploymentStateChangeEventSchema>;
export type ServiceEvent = v.InferOutput<typeof ServiceEventSchema>;
export type ServiceActionDetail = v.InferOutput<typeof ServiceActionDetailSchema>;
export type DeploymentStateChangeDetail = v.InferOutput<typeof DeploymentStateChangeDetailSchema>;
