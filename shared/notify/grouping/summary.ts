import type { Alert } from '../alert.js';
import type { AlertGroup, PendingAlerts } from './types.js';

/** A time as a person reads it in a message. */
export function readableTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The message a group sends when its waiting alerts are due. Pure. Its incident id is the group's thread, so every
 * message of one episode lands in one chat thread; its dedup key numbers it within the episode.
 */
export function groupMessage(group: AlertGroup, pending: PendingAlerts): Alert {
  const number = group.messages + 1;
  const identity = { incidentId: group.threadId, dedupKey: `${group.threadId}#${number}` };
  const { worst } = pending;
  if (group.messages === 0 && pending.count === 1) return { ...worst, ...identity };
  const told = group.total - pending.count - group.repeatsNotSent;
  const severities = (['critical', 'warning', 'info'] as const)
    .filter((s) => pending.bySeverity[s] > 0)
    .map((s) => `${pending.bySeverity[s]} ${s}`)
    .join(', ');
  const description = [
    `*Grouped:* ${plural(pending.count, 'alert')} of kind \`${group.kind}\` for \`${group.cluster}/${group.service}\`${group.account ? ` (account ${group.account}, ${group.region})` : ''} between ${readableTime(pending.firstAt)} and ${readableTime(pending.lastAt)} (${severities}).`,
    `*In this thread:* ${plural(group.total, 'alert')} since ${readableTime(group.openedAt)}${told > 0 ? `, ${told} told in earlier messages` : ''}${group.repeatsNotSent > 0 ? `, ${group.repeatsNotSent} repeats left out` : ''}.`,
    `*Worst example:* ${worst.title}`,
    worst.description,
  ].join('\n');
  return {
    ...worst,
    ...identity,
    title: `${group.cluster}/${group.service}: ${plural(pending.count, 'alert')} of ${group.kind}`,
    description,
    keywords: [...new Set([...worst.keywords, 'grouped'])],
    relatedResources: worst.relatedResources.slice(0, 20),
    occurredAt: pending.lastAt,
    facts: [
      { label: 'Alerts', value: String(pending.count) },
      { label: 'First', value: readableTime(pending.firstAt) },
      { label: 'Last', value: readableTime(pending.lastAt) },
      { label: 'In thread', value: String(group.total) },
    ],
  };
}
