import * as z from '../validation/runtime-schema.js';
import type { Alert } from './alert.js';

const optionalString = z.optional(z.string());
const optionalStrings = z.optional(z.array(z.string()));

/**
 * The Amazon Q Developer in chat applications (formerly AWS Chatbot) custom notification schema.
 * A message that does not match is dropped without a word, so every message is checked against this before it is sent.
 */
export const ChatbotNotificationSchema = z.strictObject({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: optionalString,
  content: z.strictObject({
    textType: z.optional(z.literal('client-markdown')),
    title: optionalString,
    description: z.string().check(z.minLength(1)),
    nextSteps: optionalStrings,
    keywords: optionalStrings,
  }),
  metadata: z.optional(
    z.strictObject({
      threadId: optionalString,
      summary: optionalString,
      eventType: optionalString,
      relatedResources: optionalStrings,
      additionalContext: z.optional(z.record(z.string(), z.string())),
    }),
  ),
});

export type ChatbotNotification = z.output<typeof ChatbotNotificationSchema>;

const severityMark = { critical: '🔴', warning: '🟠', info: '🔵' } as const;

/** Renders an alert in the custom notification format, links and next steps included. */
export function toChatbotNotification(alert: Alert): ChatbotNotification {
  const links = alert.links.map((l) => `[${l.label}](${l.url})`).join(' · ');
  const title = `${severityMark[alert.severity]} ${alert.dryRun ? '[dry run] ' : ''}${alert.title}`;
  return ChatbotNotificationSchema.parse({
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
      threadId: alert.incidentId,
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
