import type { ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  blockKitLimits,
  contextBlocks,
  factBlocks,
  headerBlock,
  linkBlocks,
  listBlocks,
  slackMessage,
  textBlocks,
} from '#shared/slack/message.js';
import { truncate } from '#shared/slack/mrkdwn.js';

const texts = (blocks: SectionBlock[]) => blocks.map((b) => b.text?.text);

describe('Slack messages: Block Kit limits', () => {
  it('cuts a header to its limit, saying so with an ellipsis', () => {
    // Act
    const block = headerBlock('x'.repeat(200)) as { text: { text: string } };

    // Assess
    expect(block.text.text).toHaveLength(blockKitLimits.headerText);
    expect(block.text.text.endsWith('…')).toBe(true);
    expect(truncate('x'.repeat(150), 150)).toBe('x'.repeat(150));
  });

  it('shows ten facts a section, label in bold, escaped', () => {
    // Prepare
    const facts = Array.from({ length: 11 }, (_, i) => ({ label: `fact ${i}`, value: i === 0 ? '<a&b>' : `${i}` }));

    // Act
    const blocks = factBlocks(facts);

    // Assess
    expect(blocks.map((b) => b.fields?.length)).toEqual([10, 1]);
    expect(blocks[0]?.fields?.[0]).toEqual({ type: 'mrkdwn', text: '*fact 0*\n&lt;a&amp;b&gt;' });
  });

  it('splits a long text at line breaks, each section within its limit, and drops an empty one', () => {
    // Prepare
    const line = 'y'.repeat(1_000);
    const text = [line, line, line, line].join('\n');

    // Act
    const blocks = textBlocks(text);

    // Assess
    expect(texts(blocks)).toEqual([`${line}\n${line}`, `${line}\n${line}`]);
    expect(texts(textBlocks(`${'z'.repeat(2_999)}\n`))).toEqual([`${'z'.repeat(2_999)}\n`]);
    expect(textBlocks(' \n ')).toEqual([]);
  });

  it('keeps three thousand characters in one section, and cuts a single longer line to the limit', () => {
    // Act
    const exact = textBlocks(`${'a'.repeat(1_499)}\n${'b'.repeat(1_500)}`);
    const long = textBlocks('c'.repeat(4_000));

    // Assess
    expect(exact).toHaveLength(1);
    expect(texts(long)).toEqual([`${'c'.repeat(2_999)}…`]);
  });

  it('lists items under a bold heading, and nothing without items', () => {
    // Assess
    expect(texts(listBlocks('Next steps', ['open **the** [runbook](https://x.example/r)', 'wait']))).toEqual([
      '*Next steps*\n• open *the* <https://x.example/r|runbook>\n• wait',
    ]);
    expect(listBlocks('Next steps', [])).toEqual([]);
  });

  it('puts the links on one line, and nothing without links', () => {
    // Assess
    expect(
      texts(
        linkBlocks([
          { label: 'Task', url: 'https://a.example/t' },
          { label: 'Service', url: 'https://a.example/s' },
        ]),
      ),
    ).toEqual([':link: <https://a.example/t|Task>  ·  <https://a.example/s|Service>']);
    expect(linkBlocks([])).toEqual([]);
  });

  it('keeps ten context items that say something, and no context without any', () => {
    // Act
    const blocks = contextBlocks(['', ...Array.from({ length: 12 }, (_, i) => `item ${i}`)]) as ContextBlock[];

    // Assess
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.elements.map((e) => (e as { text: string }).text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `item ${i}`),
    );
    expect(contextBlocks(['', ''])).toEqual([]);
  });

  it('holds a message to fifty blocks, the last saying how many were left out', () => {
    // Prepare
    const blocks: KnownBlock[] = Array.from({ length: 53 }, (_, i) => ({ type: 'divider', block_id: `b${i}` }));

    // Act
    const message = slackMessage('t'.repeat(4_000), blocks);
    const fits = slackMessage('title', blocks.slice(0, 50));

    // Assess
    expect(message.blocks).toHaveLength(50);
    expect(message.blocks[48]).toEqual(blocks[48]);
    expect(message.blocks[49]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '4 more block(s) left out: open the links above.' }],
    });
    expect(message.text).toHaveLength(3_000);
    expect(fits).toEqual({ text: 'title', blocks: blocks.slice(0, 50) });
  });
});
