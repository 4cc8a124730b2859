import * as z from '../validation/runtime-schema.js';

/** One message of an SNS topic as Lambda receives it; the fields we read are checked, the rest passes through. */
export const SnsRecordSchema = z.looseObject({
  EventSource: z.literal('aws:sns'),
  EventSubscriptionArn: z.string(),
  Sns: z.looseObject({
    Type: z.literal('Notification'),
    TopicArn: z.string(),
    MessageId: z.string(),
    Message: z.string(),
    Subject: z.nullish(z.string()),
    Timestamp: z.iso.datetime(),
  }),
});

/** What an SNS topic invokes a function with (Powertools' `SnsSchema` carries classic zod, about 190 KiB). */
export const SnsEventSchema = z.object({ Records: z.array(SnsRecordSchema) });

export type SnsRecord = z.output<typeof SnsRecordSchema>;
export type SnsEvent = z.output<typeof SnsEventSchema>;
