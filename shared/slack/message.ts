import type { ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { escapeMrkdwn, mrkdwnLink, toMrkdwn, truncate } from './mrkdwn.js';

/** What an incoming webhook takes: `text` is the notification's fallback, `blocks` what the channel shows. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Block Kit's limits (docs.slack.dev/reference/block-kit): past them Slack rejects the whole message. */
export const blockKitLimits = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  blocks: 50,
} as const;

/** A fact shown as one of a section's fields. */
export interface Fact {
  label: string;
  value: string;
}

/** The header block: plain text only, cut to its limit. */
export function headerBlock(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, blockKitLimits.headerText), emoji: true } };
}

/** Facts as two-column fields, ten per section. */
export function factBlocks(facts: Fact[]): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  for (let i = 0; i < facts.length; i += blockKitLimits.fields) {
    blocks.push({
      type: 'section',
      fields: facts.slice(i, i + blockKitLimits.fields).map((f) => ({
        type: 'mrkdwn',
        text: truncate(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, blockKitLimits.fieldText),
      })),
    });
  }
  return blocks;
}

/** mrkdwn sections for a text of any length, split at line breaks so that no section passes its limit. */
export function textBlocks(mrkdwn: string): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  let chunk = '';
  for (const line of mrkdwn.split('\n')) {
    const next = chunk ? `${chunk}\n${line}` : line;
    if (next.length > blockKitLimits.sectionText && chunk) {
      blocks.push(section(chunk));
      chunk = line;
    } else {
      chunk = next;
    }
  }
  if (chunk.trim()) blocks.push(section(chunk));
  return blocks;
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, blockKitLimits.sectionText) } };
}

/** A titled list (next steps): bullets under a bold heading. */
export function listBlocks(heading: string, items: string[]): SectionBlock[] {
  if (items.length === 0) return [];
  return textBlocks(`*${heading}*\n${items.map((item) => `• ${toMrkdwn(item)}`).join('\n')}`);
}

/** Console deep links as one line of mrkdwn links. */
export function linkBlocks(links: { label: string; url: string }[]): SectionBlock[] {
  if (links.length === 0) return [];
  return textBlocks(`:link: ${links.map((l) => mrkdwnLink(l.url, l.label)).join('  ·  ')}`);
}

/** A context line (small grey text) of up to ten mrkdwn items; none when there is nothing to say. */
export function contextBlocks(items: string[]): ContextBlock[] {
  const elements = items.filter(Boolean).slice(0, blockKitLimits.contextElements);
  if (elements.length === 0) return [];
  return [
    {
      type: 'context',
      elements: elements.map((text) => ({ type: 'mrkdwn', text: truncate(text, blockKitLimits.fieldText) })),
    },
  ];
}

/** The message, held to Block Kit's block limit: the last block says what was left out. */
export function slackMessage(text: string, blocks: KnownBlock[]): SlackMessage {
  const limited =
    blocks.length <= blockKitLimits.blocks
      ? blocks
      : [
          ...blocks.slice(0, blockKitLimits.blocks - 1),
          ...contextBlocks([
            `${blocks.length - blockKitLimits.blocks + 1} more block(s) left out: open the links above.`,
          ]),
        ];
  return { text: truncate(text, blockKitLimits.sectionText), blocks: limited };
}
