import * as z from '../validation/runtime-schema.js';
import { EventBridgeEnvelopeSchema } from './eventbridge.js';

const optionalString = z.optional(z.string());

const AlarmState = z.looseObject({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: optionalString,
  reasonData: optionalString,
  // CloudWatch writes `2019-10-01T13:56:40.987+0000`, which is not ISO 8601 with a colon offset.
  timestamp: z.string(),
  // Composite alarms whose actions CloudWatch held back: `Alarm`, `WaitPeriod` or `ExtensionPeriod`, and why.
  actionsSuppressedBy: optionalString,
  actionsSuppressedReason: optionalString,
});

const AlarmMetric = z.looseObject({
  id: z.string(),
  expression: optionalString,
  returnData: z.optional(z.boolean()),
  metricStat: z.optional(
    z.looseObject({
      metric: z.looseObject({
        namespace: z.string(),
        name: z.string(),
        dimensions: z._default(z.record(z.string(), z.string()), {}),
      }),
      period: z.optional(z.number()),
      stat: optionalString,
    }),
  ),
});

/** The `detail` of a `CloudWatch Alarm State Change` event. Composite alarms carry `alarmRule` instead of metrics. */
export const AlarmStateChangeDetailSchema = z.looseObject({
  // CloudWatch's own limit: a longer name is not a real alarm, and it bounds the cost of matching rules.
  alarmName: z.string().check(z.minLength(1), z.maxLength(255)),
  state: AlarmState,
  previousState: AlarmState,
  configuration: z._default(
    z.looseObject({
      description: optionalString,
      metrics: z.optional(z.array(AlarmMetric)),
      alarmRule: optionalString,
      comparisonOperator: optionalString,
      thresholdMetricId: optionalString,
    }),
    {},
  ),
  alarmTags: z.optional(z.record(z.string(), z.string())),
});

export const AlarmStateChangeEventSchema = z.extend(EventBridgeEnvelopeSchema, {
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: AlarmStateChangeDetailSchema,
});

export type AlarmStateChangeEvent = z.output<typeof AlarmStateChangeEventSchema>;
export type AlarmDetail = AlarmStateChangeEvent['detail'];
