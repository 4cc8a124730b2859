import * as v from '../validation/input-schema.js';
import { AlarmStateChangeEventSchema } from './alarm-state-change.js';
import { ScheduledEventSchema } from './scheduled.js';

/** What the canary promoter is invoked with: its minute's schedule, or a gate alarm entering ALARM. */
export const PromoterEventSchema = v.variant('detail-type', [ScheduledEventSchema, AlarmStateChangeEventSchema]);

export type PromoterEvent = v.InferOutput<typeof PromoterEventSchema>;
