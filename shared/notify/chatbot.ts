import * as v from '../validation/input-schema.js';
import type { Alert } from './alert.js';

const optionalString = v.optional(v.string());
const optionalStrings = v.optional(v.array(v.string()));

/**
 * The Amazon Q Developer in chat applications (formerly AWS Chatbot) custom notification schema.
 * A message that does not match is dropped without a word, so every message is checked against this before it is sent.
 */
export const ChatbotNotificationSchema = v.strictObject({
  version: v.literal('1.0'),
  source: v.literal('custom'),
  id: optionalString,
  content: v.strictObject({
    textType: v.optional(v.literal('client-markdown')),
    title: optionalString,
    description: v.pipe(v.string(), v.minLength(1)),
    nextSteps: optionalStrings,
    keywords: optionalStrings,
  }),
  metadata: v.optional(
    v.strictObject({
      threadId: optionalString,
      summary: optionalString,
      eventType: optionalString,
      relatedResources: optionalStrings,
      additionalContext: v.optional(v.record(v.string(), v.string())),
    }),
  ),
});

export type ChatbotNotification = v.InferOutput<typeof ChatbotNotificationSchema>;

const severityMark = { critical: '🔴', warning: '🟠', info: '🔵' } as const;

/**
 * The chat thread of an alert's incident: its incident id where it happened. Incident ids name a service or an
 * alarm by name, and the same names in another account or region are another incident, so another thread.
 */
export function chatThreadIdOf(alert: Alert): string {
  return `${alert.incidentId}@${alert.account}/${alert.region}`;
}

/** Renders an alert in the custom notification format, links and next steps included. */
export function toChatbotNotification(alert: Alert): ChatbotNotification {
  const links = alert.links.map((l) => `[${l.label}](${l.url})`).join(' · ');
  const title = `${severityMark[alert.severity]} ${alert.dryRun ? '[dry run] ' : ''}${alert.title}`;
  return v.parse(ChatbotNotificationSchema, {
    version: '1.0',
    source: 'custom',
    id: alert.incidentId,
    content: {
      textType: 'client-markdown',
      title,
      description: links ? `${alert.description}\n\n${links}` : alert.description,
      nextSteps: alert.nextSteps,
      keywords: [alert.severity, alert.cluster, alert.service, ...alert.keywords],
    },
    metadata: {
      threadId: chatThreadIdOf(alert),
      summary: title,
      eventType: alert.kind,
      relatedResources: alert.relatedResources,
      additionalContext: {
        severity: alert.severity,
        cluster: alert.cluster,
        service: alert.service,
        region: alert.region,
        account: alert.account,
        occurredAt: alert.occurredAt,
        dryRun: String(alert.dryRun),
        ...Object.fromEntries((alert.facts ?? []).map((f) => [f.label, f.value])),
      },
    },
  });
}
