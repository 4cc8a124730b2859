import * as z from '../validation/runtime-schema.js';
import { EventBridgeEnvelopeSchema } from './eventbridge.js';

const optionalString = z.optional(z.string());
const optionalInt = z.optional(z.int());

const NetworkBinding = z.looseObject({
  bindIP: optionalString,
  containerPort: optionalInt,
  hostPort: optionalInt,
  protocol: optionalString,
});

const Container = z.looseObject({
  name: z.string(),
  lastStatus: optionalString,
  exitCode: optionalInt,
  reason: optionalString,
  networkBindings: z.optional(z.array(NetworkBinding)),
  networkInterfaces: z.optional(z.array(z.looseObject({ privateIpv4Address: optionalString }))),
});

const Attachment = z.looseObject({
  // EventBridge says "eni", DescribeTasks says "ElasticNetworkInterface".
  type: z.string(),
  status: optionalString,
  details: z._default(z.array(z.looseObject({ name: z.string(), value: optionalString })), []),
});

/** The `detail` of an `ECS Task State Change` event: the DescribeTasks Task object, fields we use checked. */
export const TaskStateChangeDetailSchema = z.looseObject({
  taskArn: z.string().check(z.startsWith('arn:')),
  clusterArn: z.string().check(z.startsWith('arn:')),
  taskDefinitionArn: optionalString,
  lastStatus: z.string(),
  desiredStatus: z.string(),
  version: z.int().check(z.nonnegative()),
  group: optionalString,
  startedBy: optionalString,
  launchType: optionalString,
  containerInstanceArn: optionalString,
  availabilityZone: optionalString,
  stopCode: optionalString,
  stoppedReason: optionalString,
  startedAt: optionalString,
  stoppingAt: optionalString,
  stoppedAt: optionalString,
  updatedAt: optionalString,
  containers: z._default(z.array(Container), []),
  attachments: z._default(z.array(Attachment), []),
});

/** A missing `detail.taskArn` (seen in published samples) is taken from the event's `resources`, which names the task. */
function taskArnFromResources(value: unknown): unknown {
  const event = value as { resources?: unknown; detail?: Record<string, unknown> } | null;
  if (!event?.detail || event.detail.taskArn !== undefined || !Array.isArray(event.resources)) return value;
  const taskArn = event.resources.find((r): r is string => typeof r === 'string' && r.includes(':task/'));
  return taskArn ? { ...event, detail: { ...event.detail, taskArn } } : value;
}

export const TaskStateChangeEventSchema = z.pipe(
  z.transform(taskArnFromResources),
  z.extend(EventBridgeEnvelopeSchema, {
    source: z.literal('aws.ecs'),
    'detail-type': z.literal('ECS Task State Change'),
    detail: TaskStateChangeDetailSchema,
  }),
);

export type TaskStateChangeEvent = z.output<typeof TaskStateChangeEventSchema>;
export type TaskDetail = z.output<typeof TaskStateChangeDetailSchema>;
export type TaskContainer = TaskDetail['containers'][number];
