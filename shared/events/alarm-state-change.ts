import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';

const AlarmState = z.looseObject({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string().optional(),
  reasonData: z.string().optional(),
  // CloudWatch writes `2019-10-01T13:56:40.987+0000`, which is not ISO 8601 with a colon offset.
  timestamp: z.string(),
  // Composite alarms whose actions CloudWatch held back: `Alarm`, `WaitPeriod` or `ExtensionPeriod`, and why.
  actionsSuppressedBy: z.string().optional(),
  actionsSuppressedReason: z.string().optional(),
});

const AlarmMetric = z.looseObject({
  id: z.string(),
  expression: z.string().optional(),
  returnData: z.boolean().optional(),
  metricStat: z
    .looseObject({
      metric: z.looseObject({
        namespace: z.string(),
        name: z.string(),
        dimensions: z.record(z.string(), z.string()).default({}),
      }),
      period: z.number().optional(),
      stat: z.string().optional(),
    })
    .optional(),
});

/** The `detail` of a `CloudWatch Alarm State Change` event. Composite alarms carry `alarmRule` instead of metrics. */
export const AlarmStateChangeDetailSchema = z.looseObject({
  // CloudWatch's own limit: a longer name is not a real alarm, and it bounds the cost of matching rules.
  alarmName: z.string().min(1).max(255),
  state: AlarmState,
  previousState: AlarmState,
  configuration: z
    .looseObject({
      description: z.string().optional(),
      metrics: z.array(AlarmMetric).optional(),
      alarmRule: z.string().optional(),
      comparisonOperator: z.string().optional(),
      thresholdMetricId: z.string().optional(),
    })
    .default({}),
  alarmTags: z.record(z.string(), z.string()).optional(),
});

export const AlarmStateChangeEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: AlarmStateChangeDetailSchema,
});

export type AlarmStateChangeEvent = z.output<typeof AlarmStateChangeEventSchema>;
export type AlarmDetail = AlarmStateChangeEvent['detail'];
