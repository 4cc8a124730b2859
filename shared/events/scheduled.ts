import * as z from '../validation/runtime-schema.js';
import { EventBridgeEnvelopeSchema } from './eventbridge.js';

/** An EventBridge Scheduler / scheduled rule event: its `time` is the run's reference time. */
export const ScheduledEventSchema = z.extend(EventBridgeEnvelopeSchema, {
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

export type ScheduledEvent = z.output<typeof ScheduledEventSchema>;
