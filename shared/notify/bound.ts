import type { Alert } from './alert.js';

/** How much of each part of an alert is kept: far below SQS's and SNS's message limits, and readable in chat. */
export const ALERT_LIMITS = { title: 250, line: 2_000, description: 12_000, item: 1_000, items: 20, bytes: 64 * 1024 };

/** The text cut to at most `max` characters, ending with a marker that says how much was cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (cut: number) => `… [${cut} more characters truncated]`;
  const keep = Math.max(0, max - marker(text.length).length);
  return `${text.slice(0, keep)}${marker(text.length - keep)}`;
}

/** Whole lines, each bounded, dropped from the end (with a marker) until they fit in `max` characters. */
function boundLines(text: string, max: number): string {
  const lines = text.split('\n').map((line) => truncateText(line, ALERT_LIMITS.line));
  const kept: string[] = [];
  let size = 0;
  for (const [i, line] of lines.entries()) {
    if (size + line.length + 1 > max - 60) {
      kept.push(`… [${lines.length - i} more line(s) truncated]`);
      break;
    }
    kept.push(line);
    size += line.length + 1;
  }
  return kept.join('\n');
}

const list = (items: readonly string[]) =>
  items.slice(0, ALERT_LIMITS.items).map((item) => truncateText(item, ALERT_LIMITS.item));

/**
 * An alert whose free text is bounded, so it always fits the outbox and the topic: every line keeps its start (the
 * facts lead each line), long lines and extra lines are cut with a marker; ids, kind and severity are untouched.
 */
export function boundAlert(alert: Alert): Alert {
  const bounded: Alert = {
    ...alert,
    title: truncateText(alert.title, ALERT_LIMITS.title),
    description: boundLines(alert.description, ALERT_LIMITS.description),
    nextSteps: list(alert.nextSteps),
    keywords: list(alert.keywords),
    links: alert.links.slice(0, ALERT_LIMITS.items),
    relatedResources: list(alert.relatedResources),
  };
  // Multi-byte text can still be too large in bytes: then the description gives way, never the facts above it.
  if (Buffer.byteLength(JSON.stringify(bounded)) > ALERT_LIMITS.bytes) {
    bounded.description = boundLines(bounded.description, ALERT_LIMITS.description / 4);
  }
  return bounded;
}
