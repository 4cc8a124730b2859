import * as z from '../validation/runtime-schema.js';

/**
 * The envelope every EventBridge event carries (the same fields as Powertools' `EventBridgeSchema`, whose classic zod
 * would add about 190 KiB to a function). Unknown top-level fields are dropped, as there.
 */
export const EventBridgeEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});
