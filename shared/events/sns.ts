import * as v from '../validation/input-schema.js';

/** One message of an SNS topic as Lambda receives it; the fields we read are checked, the rest passes through. */
export const SnsRecordSchema = v.looseObject({
  EventSource: v.literal('aws:sns'),
  EventSubscriptionArn: v.string(),
  Sns: v.looseObject({
    Type: v.literal('Notification'),
    TopicArn: v.string(),
    MessageId: v.string(),
    Message: v.string(),
    Subject: v.nullish(v.string()),
    Timestamp: v.pipe(v.string(), v.isoTimestamp()),
  }),
});

/** What an SNS topic invokes a function with (Powertools' `SnsSchema` carries classic zod, about 190 KiB). */
export const SnsEventSchema = v.object({ Records: v.array(SnsRecordSchema) });

export type SnsRecord = v.InferOutput<typeof SnsRecordSchema>;
export type SnsEvent = v.InferOutput<typeof SnsEventSchema>;
