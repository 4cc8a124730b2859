import { describe, expect, it } from 'vitest';
import { toChatbotNotification } from '#shared/notify/chatbot.js';
import { botTokenReader, chatSettingsFromEnv } from '#shared/slack/bot-token.js';
import { threadRefOf } from '#shared/slack/deliver-chat.js';
import { type ThreadRef, threadKey } from '#shared/slack/threads.js';
import { taskStopAlert } from '#test/support/alerts.js';

describe('Slack bot-token mode', () => {
  it('stays off, for the incoming webhook, when no channel is set', () => {
    // Act
    const settings = chatSettingsFromEnv({ SLACK_BOT_TOKEN_PARAMETER: '/ecs-autopilot/dev/slack-bot-token' });

    // Assess
    expect(settings).toBeUndefined();
  });

  it('names the token parameter, the channel and Slack API when a channel is set', () => {
    // Act
    const settings = chatSettingsFromEnv({ SLACK_CHANNEL: 'C0123', SLACK_BOT_TOKEN_PARAMETER: '/p' });

    // Assess
    expect(settings).toEqual({ channel: 'C0123', tokenParameter: '/p', apiUrl: 'https://slack.com/api/' });
  });

  it('refuses a channel without a token parameter, and an API that is not https off loopback', () => {
    // Assess
    expect(() => chatSettingsFromEnv({ SLACK_CHANNEL: 'C0123' })).toThrow(/SLACK_BOT_TOKEN_PARAMETER/);
    const plain = {
      SLACK_CHANNEL: 'C0123',
      SLACK_BOT_TOKEN_PARAMETER: '/p',
      SLACK_API_URL: 'http://slack.example/api/',
    };
    expect(() => chatSettingsFromEnv(plain)).toThrow(/not https/);
  });

  it('says a parameter holds no bot token without quoting what it holds', async () => {
    // Prepare
    const stored = 'https://hooks.slack.com/services/T0/B0/secret-value';
    const read = botTokenReader('/p', { get: (async () => stored) as never });

    // Act
    const outcome = read();

    // Assess
    await expect(outcome).rejects.toThrow('SSM parameter /p does not hold a Slack bot token (xoxb-…)');
    await expect(outcome).rejects.not.toThrow(/secret-value/);
  });

  it('finds the incident thread of an alert where its service lives, and none for a message of no incident', () => {
    // Prepare
    const alert = taskStopAlert({ incidentId: 'ecs-task-stops/prod/web/1', severity: 'warning' });

    // Act
    const ref = threadRefOf(JSON.stringify(toChatbotNotification(alert)));

    // Assess
    expect(ref).toEqual({
      threadId: `ecs-task-stops/prod/web/1@${alert.account}/${alert.region}`,
      account: alert.account,
      region: alert.region,
      cluster: 'prod',
      service: 'web',
      severity: 'warning',
    });
    expect(threadRefOf(JSON.stringify({ AlarmName: 'x', NewStateValue: 'ALARM' }))).toBeUndefined();
    expect(threadKey(ref as ThreadRef)).toEqual({
      pk: `alert-group/${alert.account}/${alert.region}/prod/web`,
      sk: `slack-thread/ecs-task-stops/prod/web/1@${alert.account}/${alert.region}`,
    });
  });
});
