import { styleText } from 'node:util';
import { slackMessageForTerminal } from '#local/slack-terminal.js';
import { type ReceivedAlert, targetsOf, type World } from '#local/world.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { auditLine } from '#shared/executor/audit.js';
import { renderTopicMessage } from '#shared/slack/render.js';

/** Where the text of a labelled line starts. */
export const INDENT = ' '.repeat(11);

export const out = (line = '') => process.stdout.write(`${line}\n`);
export const dim = (s: string) => styleText('dim', s);
export const bold = (s: string) => styleText('bold', s);
export const label = (name: string) => styleText('cyan', name.padEnd(11));
export const lines = (items: readonly string[]) => items.join(`\n${INDENT}`);

/** One labelled line, or several under one label. */
export function say(name: string, text: string | readonly string[]): void {
  out(`${label(name)}${typeof text === 'string' ? text : lines(text)}`);
}

/** A service's target groups and their targets with their health, one line per target group. */
export async function membership(world: World, service: string): Promise<string> {
  const rows: string[] = [];
  for (const tg of world.services[service]?.targetGroupArns ?? []) {
    const targets = await targetsOf(world, tg);
    rows.push(`${tg.split('/')[1]}: ${targets.map((t) => `${t.id}:${t.port} ${t.state}`).join(', ') || '(empty)'}`);
  }
  return lines(rows);
}

/** Every action the executor took, in its own words: the audit line that also goes into the alert. */
export function printAudit(audit: readonly AuditRecord[]): void {
  if (audit.length === 0) say('executor', dim('no action reached the executor'));
  else say('executor', audit.map(auditLine));
}

/**
 * An alert as a person sees it in Slack: the message published to SNS, rendered into Block Kit by the same code the
 * slack-notifier function posts with, drawn in the terminal; its SNS attributes below.
 */
export function printAlerts(alerts: readonly ReceivedAlert[]): void {
  if (alerts.length === 0) say('alert', dim('none went out'));
  for (const alert of alerts) {
    say('alert', 'published to SNS; in Slack it reads:');
    for (const line of slackMessageForTerminal(renderTopicMessage(JSON.stringify(alert.message))))
      out(`${INDENT}${line}`);
    const attributes = Object.entries(alert.attributes).map(([k, v]) => `${k}=${v}`);
    out(`${INDENT}${dim(`SNS attributes: ${attributes.join(' ')}`)}`);
  }
}
