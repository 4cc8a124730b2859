import { styleText } from 'node:util';
import { type ReceivedAlert, targetsOf, type World } from '#local/world.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { auditLine } from '#shared/executor/audit.js';

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

/** An alert exactly as it was published to SNS: the chat message's title, text and next steps, and its attributes. */
export function printAlerts(alerts: readonly ReceivedAlert[]): void {
  if (alerts.length === 0) say('alert', dim('none went out'));
  for (const alert of alerts) {
    const message = alert.message as { content: { title?: string; description: string; nextSteps?: string[] } };
    const { title = '', description, nextSteps = [] } = message.content;
    say('alert', 'published to SNS:');
    out(`${INDENT}┌ ${bold(title)}`);
    for (const line of description.split('\n')) out(`${INDENT}│ ${line}`);
    if (nextSteps.length > 0)
      for (const step of ['Next steps:', ...nextSteps.map((s) => `  - ${s}`)]) out(`${INDENT}│ ${step}`);
    const attributes = Object.entries(alert.attributes).map(([k, v]) => `${k}=${v}`);
    out(`${INDENT}└ ${dim(attributes.join(' '))}`);
  }
}
