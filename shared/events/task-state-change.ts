import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';

const NetworkBinding = z.looseObject({
  bindIP: z.string().optional(),
  containerPort: z.number().int().optional(),
  hostPort: z.number().int().optional(),
  protocol: z.string().optional(),
});

const Container = z.looseObject({
  name: z.string(),
  lastStatus: z.string().optional(),
  exitCode: z.number().int().optional(),
  reason: z.string().optional(),
  networkBindings: z.array(NetworkBinding).optional(),
  networkInterfaces: z.array(z.looseObject({ privateIpv4Address: z.string().optional() })).optional(),
});

const Attachment = z.looseObject({
  // EventBridge says "eni", DescribeTasks says "ElasticNetworkInterface".
  type: z.string(),
  status: z.string().optional(),
  details: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).default([]),
});

/** The `detail` of an `ECS Task State Change` event: the DescribeTasks Task object, fields we use checked. */
export const TaskStateChangeDetailSchema = z.looseObject({
  taskArn: z.string().startsWith('arn:'),
  clusterArn: z.string().startsWith('arn:'),
  taskDefinitionArn: z.string().optional(),
  lastStatus: z.string(),
  desiredStatus: z.string(),
  version: z.number().int().nonnegative(),
  group: z.string().optional(),
  startedBy: z.string().optional(),
  launchType: z.string().optional(),
  containerInstanceArn: z.string().optional(),
  availabilityZone: z.string().optional(),
  stopCode: z.string().optional(),
  stoppedReason: z.string().optional(),
  startedAt: z.string().optional(),
  stoppingAt: z.string().optional(),
  stoppedAt: z.string().optional(),
  updatedAt: z.string().optional(),
  containers: z.array(Container).default([]),
  attachments: z.array(Attachment).default([]),
});

/** A missing `detail.taskArn` (seen in published samples) is taken from the event's `resources`, which names the task. */
function taskArnFromResources(value: unknown): unknown {
  const event = value as { resources?: unknown; detail?: Record<string, unknown> } | null;
  if (!event?.detail || event.detail.taskArn !== undefined || !Array.isArray(event.resources)) return value;
  const taskArn = event.resources.find((r): r is string => typeof r === 'string' && r.includes(':task/'));
  return taskArn ? { ...event, detail: { ...event.detail, taskArn } } : value;
}

export const TaskStateChangeEventSchema = z.preprocess(
  taskArnFromResources,
  EventBridgeSchema.extend({
    source: z.literal('aws.ecs'),
    'detail-type': z.literal('ECS Task State Change'),
    detail: TaskStateChangeDetailSchema,
  }),
);

export type TaskStateChangeEvent = z.output<typeof TaskStateChangeEventSchema>;
export type TaskDetail = z.output<typeof TaskStateChangeDetailSchema>;
export type TaskContainer = TaskDetail['containers'][number];
