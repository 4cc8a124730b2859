import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';

/** INFO, WARN or ERROR today; kept open so that a new type AWS adds reaches the classifier instead of the DLQ. */
const EventType = z.string().min(1);

/**
 * The `detail` of an `ECS Service Action` event. The service is not here but in the event's `resources`;
 * `reason`, `capacityProviderArns`, `desiredCount` and `taskArns` come with some event names only.
 */
export const ServiceActionDetailSchema = z.looseObject({
  eventType: EventType,
  eventName: z.string().min(1),
  clusterArn: z.string().startsWith('arn:').optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  reason: z.string().optional(),
  capacityProviderArns: z.array(z.string()).optional(),
  desiredCount: z.number().int().nonnegative().optional(),
  taskArns: z.array(z.string()).optional(),
});

/** The `detail` of an `ECS Deployment State Change` event: no cluster ARN, the service is in `resources`. */
export const DeploymentStateChangeDetailSchema = z.looseObject({
  eventType: EventType,
  eventName: z.string().min(1),
  deploymentId: z.string().min(1),
  updatedAt: z.iso.datetime({ offset: true }).optional(),
  reason: z.string().optional(),
});

const ServiceEventBase = EventBridgeSchema.extend({
  source: z.literal('aws.ecs'),
  resources: z.array(z.string()).min(1),
});

export const ServiceActionEventSchema = ServiceEventBase.extend({
  'detail-type': z.literal('ECS Service Action'),
  detail: ServiceActionDetailSchema,
});

export const DeploymentStateChangeEventSchema = ServiceEventBase.extend({
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
