import * as v from '../validation/input-schema.js';
import { EventBridgeEnvelopeSchema } from './eventbridge.js';

const optionalString = v.optional(v.string());

const AlarmState = v.looseObject({
  value: v.picklist(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: optionalString,
  reasonData: optionalString,
  // CloudWatch writes `2019-10-01T13:56:40.987+0000`, which is not ISO 8601 with a colon offset.
  timestamp: v.string(),
  // Composite alarms whose actions CloudWatch held back: `Alarm`, `WaitPeriod` or `ExtensionPeriod`, and why.
  actionsSuppressedBy: optionalString,
  actionsSuppressedReason: optionalString,
});

const AlarmMetric = v.looseObject({
  id: v.string(),
  expression: optionalString,
  returnData: v.optional(v.boolean()),
  metricStat: v.optional(
    v.looseObject({
      metric: v.looseObject({
        namespace: v.string(),
        name: v.string(),
        dimensions: v.optional(v.record(v.string(), v.string()), {}),
      }),
      period: v.optional(v.number()),
      stat: optionalString,
    }),
  ),
});

/** The `detail` of a `CloudWatch Alarm State Change` event. Composite alarms carry `alarmRule` instead of metrics. */
export const AlarmStateChangeDetailSchema = v.looseObject({
  // CloudWatch's own limit: a longer name is not a real alarm, and it bounds the cost of matching rules.
  alarmName: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  state: AlarmState,
  previousState: AlarmState,
  configuration: v.optional(
    v.looseObject({
      description: optionalString,
      metrics: v.optional(v.array(AlarmMetric)),
      alarmRule: optionalString,
      comparisonOperator: optionalString,
      thresholdMetricId: optionalString,
    }),
    {},
  ),
  alarmTags: v.optional(v.record(v.string(), v.string())),
});

export const AlarmStateChangeEventSchema = v.object({
  ...EventBridgeEnvelopeSchema.entries,
  source: v.literal('aws.cloudwatch'),
  'detail-type': v.literal('CloudWatch Alarm State Change'),
  detail: AlarmStateChangeDetailSchema,
});

export type AlarmStateChangeEvent = v.InferOutput<typeof AlarmStateChangeEventSchema>;
export type AlarmDetail = AlarmStateChangeEvent['detail'];
