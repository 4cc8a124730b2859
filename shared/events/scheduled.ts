import * as v from '../validation/input-schema.js';
import { EventBridgeEnvelopeSchema } from './eventbridge.js';

/** An EventBridge Scheduler / scheduled rule event: its `time` is the run's reference time. */
export const ScheduledEventSchema = v.object({
  ...EventBridgeEnvelopeSchema.entries,
  source: v.literal('aws.events'),
  'detail-type': v.literal('Scheduled Event'),
});

export type ScheduledEvent = v.InferOutput<typeof ScheduledEventSchema>;
