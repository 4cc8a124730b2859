import { styleText } from 'node:util';
import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '#shared/slack/message.js';

/** Slack's escapes undone, for reading. */
function unescapeMrkdwn(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** mrkdwn as a terminal shows it: *bold* in bold, links as their underlined label, code in cyan. */
export function mrkdwnForTerminal(text: string): string {
  return unescapeMrkdwn(
    text
      .replace(/<([^|>]+)\|([^>]+)>/g, (_, _url: string, label: string) => styleText('underline', label))
      .replace(/(^|[\s(])\*([^*\n]+)\*/g, (_, before: string, bold: string) => `${before}${styleText('bold', bold)}`)
      .replace(/`([^`\n]+)`/g, (_, code: string) => styleText('cyan', code)),
  );
}

function blockLines(block: KnownBlock, width: number): string[] {
  switch (block.type) {
    case 'header':
      return [styleText('bold', block.text.text)];
    case 'divider':
      return [styleText('dim', '─'.repeat(width))];
    case 'context':
      return [
        styleText('dim', block.elements.map((e) => ('text' in e ? mrkdwnForTerminal(e.text) : '')).join('  ·  ')),
      ];
    case 'section': {
      const text = block.text ? mrkdwnForTerminal(block.text.text).split('\n') : [];
      const fields = (block.fields ?? []).map((f) => mrkdwnForTerminal(f.text).replace('\n', ': '));
      const rows: string[] = [];
      for (let i = 0; i < fields.length; i += 2) rows.push(fields.slice(i, i + 2).join('    '));
      return [...text, ...rows];
    }
    default:
      return [styleText('dim', `[${block.type} block]`)];
  }
}

/** A Slack message as a person sees it in the channel, drawn in the terminal: one line per row, framed. */
export function slackMessageForTerminal(message: SlackMessage, width = 100): string[] {
  const body = message.blocks.flatMap((block) => blockLines(block, width - 2));
  return [
    styleText('magenta', `╭─ #alerts · ecs-autopilot ${'─'.repeat(Math.max(0, width - 27))}`),
    ...body.map((line) => `${styleText('magenta', '│')} ${line}`),
    styleText('magenta', `╰${'─'.repeat(width)}`),
  ];
}
