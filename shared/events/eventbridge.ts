import * as v from '../validation/input-schema.js';

/**
 * The envelope every EventBridge event carries (the same fields as Powertools' `EventBridgeSchema`, whose classic zod
 * would add about 190 KiB to a function). Unknown top-level fields are dropped, as there.
 */
export const EventBridgeEnvelopeSchema = v.object({
  version: v.string(),
  id: v.string(),
  source: v.string(),
  account: v.string(),
  time: v.pipe(v.string(), v.isoTimestamp()),
  region: v.string(),
  resources: v.array(v.string()),
  'detail-type': v.string(),
  detail: v.unknown(),
  'replay-name': v.optional(v.string()),
});
