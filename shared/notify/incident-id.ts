import { createHash } from 'node:crypto';

/** The longest incident id the alert schema (and so the outbox and the chat thread) takes. */
export const MAX_INCIDENT_ID = 128;

/** An incident id within the schema's limit: long names are cut and a hash of the whole keeps ids distinct. */
export function boundedIncidentId(id: string): string {
  if (id.length <= MAX_INCIDENT_ID) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${id.slice(0, MAX_INCIDENT_ID - hash.length - 1)}~${hash}`;
}
