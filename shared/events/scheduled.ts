import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';

/** An EventBridge Scheduler / scheduled rule event: its `time` is the run's reference time. */
export const ScheduledEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

export type ScheduledEvent = z.output<typeof ScheduledEventSchema>;
