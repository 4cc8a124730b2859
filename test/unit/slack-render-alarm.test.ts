import type { HeaderBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { renderTopicMessage } from '#shared/slack/render.js';
import { renderAlarmNotification } from '#shared/slack/render-alarm.js';

const full = {
  AlarmName: 'ecs-autopilot-prod-dlq-depth',
  AlarmDescription: 'Redrive the DLQ after reading why',
  AWSAccountId: '111122223333',
  NewStateValue: 'ALARM' as const,
  OldStateValue: 'OK',
  NewStateReason: 'Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (0.0).',
  StateChangeTime: '2026-11-26T12:00:00.000+0000',
  AlarmArn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:ecs-autopilot-prod-dlq-depth',
  Trigger: {
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Namespace: 'AWS/SQS',
    Dimensions: [
      { name: 'QueueName', value: 'events-dlq' },
      { name: 'Stage', value: 'prod' },
    ],
  },
};

const facts = (blocks: unknown[]) =>
  (blocks as SectionBlock[]).flatMap((b) => (b.fields ?? []).map((f) => f.text.split('\n')));

describe('Function: renderAlarmNotification', () => {
  it('shows the state change, the metric, its dimensions, when, where, why, what to do and the alarm link', () => {
    // Act
    const message = renderAlarmNotification(full);

    // Assess
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('🔴 alarm: ecs-autopilot-prod-dlq-depth');
    expect(facts(message.blocks)).toEqual([
      ['*State*', 'OK → ALARM'],
      ['*Metric*', 'AWS/SQS ApproximateNumberOfMessagesVisible'],
      ['*Dimensions*', 'QueueName=events-dlq, Stage=prod'],
      ['*Changed*', '2026-11-26T12:00:00.000+0000'],
      ['*Account*', '111122223333'],
      ['*Region*', 'eu-west-1'],
    ]);
    const texts = (message.blocks as SectionBlock[])
      .filter((b) => b.type === 'section')
      .map((b) => b.text?.text)
      .filter(Boolean);
    expect(texts).toEqual([
      `*Why:* ${full.NewStateReason}`,
      '*What to do:* Redrive the DLQ after reading why',
      ':link: <https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/ecs-autopilot-prod-dlq-depth|Alarm>',
    ]);
    expect(message.blocks.at(-1)).toMatchObject({
      type: 'context',
      elements: [{ text: 'an alarm on ecs-autopilot itself' }],
    });
  });

  it.each([
    ['OK', '✅ recovered: x'],
    ['INSUFFICIENT_DATA', '⚪ no data: x'],
  ] as const)('titles a change to %s', (state, title) => {
    // Act
    const message = renderAlarmNotification({ AlarmName: 'x', NewStateValue: state });

    // Assess
    expect(message.text).toBe(title);
  });

  it('shows only the state of a notification that says nothing else, without a link', () => {
    // Act
    const message = renderAlarmNotification({
      AlarmName: 'x',
      NewStateValue: 'ALARM',
      Trigger: { MetricName: 'Errors' },
    });

    // Assess
    expect(facts(message.blocks)).toEqual([
      ['*State*', '? → ALARM'],
      ['*Metric*', 'Errors'],
    ]);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });
});

describe('Function: renderTopicMessage, what is an alarm notification', () => {
  it.each([
    ['a state CloudWatch does not have', { ...full, NewStateValue: 'FIRING' }],
    ['a trigger that is not an object', { ...full, Trigger: 'x' }],
    ['a dimension without a value', { ...full, Trigger: { ...full.Trigger, Dimensions: [{ name: 'QueueName' }] } }],
  ])('shows %s as published', (_, body) => {
    // Act
    const message = renderTopicMessage(JSON.stringify(body), 'subject');

    // Assess
    expect(message.blocks.at(-1)).toMatchObject({
      elements: [{ text: 'not an ecs-autopilot alert: shown as published' }],
    });
  });

  it('reads each state CloudWatch has', () => {
    // Act
    const titles = ['ALARM', 'OK', 'INSUFFICIENT_DATA'].map(
      (state) => renderTopicMessage(JSON.stringify({ ...full, NewStateValue: state })).text,
    );

    // Assess
    expect(titles).toEqual([
      '🔴 alarm: ecs-autopilot-prod-dlq-depth',
      '✅ recovered: ecs-autopilot-prod-dlq-depth',
      '⚪ no data: ecs-autopilot-prod-dlq-depth',
    ]);
  });

  it('shows a message that is not JSON as published, cut to what a section holds', () => {
    // Act
    const message = renderTopicMessage(`not json ${'x'.repeat(5_000)}`);

    // Assess
    expect(message.text).toBe('Message on the ecs-autopilot alert topic');
    expect((message.blocks[1] as SectionBlock).text?.text).toBe(`\`\`\`not json ${'x'.repeat(2_891)}\`\`\``);
  });
});
