import type { HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { toChatbotNotification } from '#shared/notify/chatbot.js';
import { blockKitLimits } from '#shared/slack/message.js';
import { toMrkdwn } from '#shared/slack/mrkdwn.js';
import { renderTopicMessage } from '#shared/slack/render.js';
import { taskStopAlert } from '#test/support/alerts.js';

const textOf = (blocks: KnownBlock[]) =>
  blocks
    .flatMap((b) => {
      if (b.type === 'header') return [(b as HeaderBlock).text.text];
      if (b.type === 'section')
        return [(b as SectionBlock).text?.text ?? '', ...((b as SectionBlock).fields ?? []).map((f) => f.text)];
      if (b.type === 'context') return b.elements.map((e) => ('text' in e ? e.text : ''));
      return [];
    })
    .join('\n');

/** Every limit of Block Kit that makes Slack refuse a whole message. */
function expectValidBlockKit(blocks: KnownBlock[]) {
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(blockKitLimits.blocks);
  for (const block of blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(blockKitLimits.headerText);
    if (block.type === 'section') {
      expect(block.text ?? block.fields).toBeDefined();
      if (block.text) expect(block.text.text.length).toBeGreaterThan(0);
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(blockKitLimits.sectionText);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(blockKitLimits.fields);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(blockKitLimits.fieldText);
    }
    if (block.type === 'context') {
      expect(block.elements.length).toBeGreaterThan(0);
      expect(block.elements.length).toBeLessThanOrEqual(blockKitLimits.contextElements);
    }
  }
}

describe('Slack rendering', () => {
  it('renders an alert as a header, the facts as fields, what happened, what was done, next steps and console links', () => {
    // Prepare
    const message = JSON.stringify(toChatbotNotification(taskStopAlert()));

    // Act
    const { text, blocks } = renderTopicMessage(message);

    // Assess
    expectValidBlockKit(blocks);
    expect(text).toBe('🔴 prod/web: task a1b2c3d4 stopped (out of memory)');
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text, emoji: true } });
    const fields = (blocks[1] as SectionBlock).fields?.map((f) => f.text);
    expect(fields).toEqual([
      '*Severity*\ncritical',
      '*Cluster*\nprod',
      '*Service*\nweb',
      '*Region*\nus-east-1',
      '*Account*\n111122223333',
      '*Occurred*\n2026-11-24T12:00:00.000Z',
      '*Kind*\ntask-stopped/out-of-memory',
    ]);
    const types = blocks.map((b) => b.type);
    expect(types).toEqual(['header', 'section', 'section', 'divider', 'section', 'section', 'section', 'context']);
    expect((blocks[2] as SectionBlock).text?.text).toMatch(/^\*What happened:\* Container app was killed/);
    expect((blocks[4] as SectionBlock).text?.text).toMatch(
      /^\*What ecs-autopilot did:\*\n• deregister 10\.0\.1\.17:8080/,
    );
    expect((blocks[5] as SectionBlock).text?.text).toBe(
      '*Next steps*\n• Raise the memory limit of the container in the task definition.',
    );
    expect((blocks[6] as SectionBlock).text?.text).toMatch(
      /^:link: <https:\/\/us-east-1\.console\.aws\.amazon\.com\/ecs\/v2\/clusters\/prod\/tasks\/a1b2c3d4e5f60718293a4b5c6d7e8f90\/configuration\?region=us-east-1\|Task> {2}· {2}<https:.*\|Service>$/,
    );
    expect(textOf(blocks)).toContain('incident `ecs-task-stop/prod/a1b2c3d4e5f60718293a4b5c6d7e8f90`');
  });

  it('says in the context line that a dry-run alert changed nothing', () => {
    // Prepare
    const message = JSON.stringify(toChatbotNotification(taskStopAlert({ dryRun: true })));

    // Act
    const { text, blocks } = renderTopicMessage(message);

    // Assess
    expect(text).toContain('[dry run]');
    const context = blocks.at(-1);
    expect(context?.type).toBe('context');
    expect(context?.type === 'context' && context.elements[0]).toEqual({
      type: 'mrkdwn',
      text: ':test_tube: dry run: nothing was changed',
    });
  });

  it('escapes what events carry, so a stop reason cannot open a link or mention the channel', () => {
    // Prepare
    const alert = taskStopAlert({ description: '*What happened:* exit <!channel> & <https://evil.example|click>' });

    // Act
    const { blocks } = renderTopicMessage(JSON.stringify(toChatbotNotification(alert)));

    // Assess
    expect(textOf(blocks)).toContain('exit &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(textOf(blocks)).not.toContain('<!channel>');
  });

  it('keeps every block within Block Kit limits for very long alerts', () => {
    // Prepare
    const long = `*What happened:* ${'x'.repeat(500)}\n`.repeat(30);
    const alert = taskStopAlert({
      title: `prod/web: ${'y'.repeat(300)}`,
      description: long,
      nextSteps: Array.from({ length: 80 }, (_, i) => `step ${i} ${'z'.repeat(200)}`),
    });

    // Act
    const { blocks } = renderTopicMessage(JSON.stringify(toChatbotNotification(alert)));

    // Assess
    expectValidBlockKit(blocks);
    expect((blocks[0] as HeaderBlock).text.text).toMatch(/…$/);
  });

  it('renders one of the stack own CloudWatch alarms with its state, metric, reason and what to do', () => {
    // Prepare
    const alarm = {
      AlarmName: 'ecs-autopilot-dev-slack-dlq-not-empty',
      AlarmDescription: 'Slack messages that could not be posted are waiting in the Slack DLQ.',
      AWSAccountId: '111122223333',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed: 1 datapoint [1.0 (24/11/26 12:00:00)] was greater than the threshold (0.0).',
      StateChangeTime: '2026-11-24T12:01:00.000+0000',
      Region: 'US East (N. Virginia)',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:ecs-autopilot-dev-slack-dlq-not-empty',
      OldStateValue: 'OK',
      Trigger: {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ value: 'ecs-autopilot-dev-slack-dlq', name: 'QueueName' }],
      },
    };

    // Act
    const { text, blocks } = renderTopicMessage(JSON.stringify(alarm));

    // Assess
    expectValidBlockKit(blocks);
    expect(text).toBe('🔴 alarm: ecs-autopilot-dev-slack-dlq-not-empty');
    const all = textOf(blocks);
    expect(all).toContain('*State*\nOK → ALARM');
    expect(all).toContain('*Metric*\nAWS/SQS ApproximateNumberOfMessagesVisible');
    expect(all).toContain('*Why:* Threshold Crossed');
    expect(all).toContain('*What to do:* Slack messages that could not be posted');
    expect(all).toContain('#alarmsV2:alarm/ecs-autopilot-dev-slack-dlq-not-empty|Alarm>');
  });

  it('shows a message that is neither an alert nor an alarm as it was published, rather than dropping it', () => {
    // Act
    const { text, blocks } = renderTopicMessage('Hello from SNS!', 'TestInvoke');

    // Assess
    expectValidBlockKit(blocks);
    expect(text).toBe('TestInvoke');
    expect(textOf(blocks)).toContain('```Hello from SNS!```');
  });

  it('turns markdown links and double-star bold into Slack mrkdwn', () => {
    // Act
    const mrkdwn = toMrkdwn('**Alarm** fired, see [the a|b alarm](https://example.com/x?a=1&b=2)');

    // Assess
    expect(mrkdwn).toBe('*Alarm* fired, see <https://example.com/x?a=1&b=2|the a¦b alarm>');
  });
});
