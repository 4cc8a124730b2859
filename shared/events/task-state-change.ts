import * as v from '../validation/input-schema.js';
import { EventBridgeEnvelopeSchema } from './eventbridge.js';

const optionalString = v.optional(v.string());
const optionalInt = v.optional(v.int());

const NetworkBinding = v.looseObject({
  bindIP: optionalString,
  containerPort: optionalInt,
  hostPort: optionalInt,
  protocol: optionalString,
});

const Container = v.looseObject({
  name: v.string(),
  lastStatus: optionalString,
  exitCode: optionalInt,
  reason: optionalString,
  networkBindings: v.optional(v.array(NetworkBinding)),
  networkInterfaces: v.optional(v.array(v.looseObject({ privateIpv4Address: optionalString }))),
});

const Attachment = v.looseObject({
  // EventBridge says "eni", DescribeTasks says "ElasticNetworkInterface".
  type: v.string(),
  status: optionalString,
  details: v.optional(v.array(v.looseObject({ name: v.string(), value: optionalString })), []),
});

/** The `detail` of an `ECS Task State Change` event: the DescribeTasks Task object, fields we use checked. */
export const TaskStateChangeDetailSchema = v.looseObject({
  taskArn: v.pipe(v.string(), v.startsWith('arn:')),
  clusterArn: v.pipe(v.string(), v.startsWith('arn:')),
  taskDefinitionArn: optionalString,
  lastStatus: v.string(),
  desiredStatus: v.string(),
  version: v.pipe(v.int(), v.minValue(0)),
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
  containers: v.optional(v.array(Container), []),
  attachments: v.optional(v.array(Attachment), []),
});

/** A missing `detail.taskArn` (seen in published samples) is taken from the event's `resources`, which names the task. */
function taskArnFromResources(value: unknown): unknown {
  const event = value as { resources?: unknown; detail?: Record<string, unknown> } | null;
  if (!event?.detail || event.detail.taskArn !== undefined || !Array.isArray(event.resources)) return value;
  const taskArn = event.resources.find((r): r is string => typeof r === 'string' && r.includes(':task/'));
  return taskArn ? { ...event, detail: { ...event.detail, taskArn } } : value;
}

export const TaskStateChangeEventSchema = v.pipe(
  v.unknown(),
  v.transform(taskArnFromResources),
  v.object({
    ...EventBridgeEnvelopeSchema.entries,
    source: v.literal('aws.ecs'),
    'detail-type': v.literal('ECS Task State Change'),
    detail: TaskStateChangeDetailSchema,
  }),
);

export type TaskStateChangeEvent = v.InferOutput<typeof TaskStateChangeEventSchema>;
export type TaskDetail = v.InferOutput<typeof TaskStateChangeDetailSchema>;
export type TaskContainer = TaskDetail['containers'][number];
