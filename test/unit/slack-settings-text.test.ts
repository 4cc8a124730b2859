import { describe, expect, it } from 'vitest';
import { botTokenReader, chatSettingsFromEnv, SlackBotTokenError } from '#shared/slack/bot-token.js';
import { markdownLinks, mrkdwnLink, toMrkdwn } from '#shared/slack/mrkdwn.js';
import { SlackWebhookUrlError } from '#shared/slack/webhook-url.js';

const env = { SLACK_CHANNEL: ' C0123 ', SLACK_BOT_TOKEN_PARAMETER: ' /p ' };

describe('Function: chatSettingsFromEnv, what it takes', () => {
  it.each([
    ['http://127.0.0.1:9999/api/'],
    ['http://localhost:9999/api/'],
    ['http://[::1]:9999/api/'],
    [' https://slack.example/api/ '],
  ])('takes the Web API at %j, and trims the channel and the parameter', (url) => {
    // Act
    const settings = chatSettingsFromEnv({ ...env, SLACK_API_URL: url });

    // Assess
    expect(settings).toEqual({ channel: 'C0123', tokenParameter: '/p', apiUrl: url.trim() });
  });

  it.each([['ftp://127.0.0.1/api/'], ['http://slack.example/api/']])('refuses the Web API at %s', (url) => {
    // Assess
    expect(() => chatSettingsFromEnv({ ...env, SLACK_API_URL: url })).toThrow(SlackBotTokenError);
  });

  it('is off for a channel of spaces, and needs a parameter that is more than spaces', () => {
    // Assess
    expect(chatSettingsFromEnv({ SLACK_CHANNEL: '  ' })).toBeUndefined();
    expect(() => chatSettingsFromEnv({ SLACK_CHANNEL: 'C0123', SLACK_BOT_TOKEN_PARAMETER: '  ' })).toThrow(
      'SLACK_CHANNEL is set: SLACK_BOT_TOKEN_PARAMETER (an SSM SecureString name) is required',
    );
  });

  it('names its errors', () => {
    // Assess
    expect(new SlackBotTokenError('x').name).toBe('SlackBotTokenError');
    expect(new SlackWebhookUrlError('x').name).toBe('SlackWebhookUrlError');
  });
});

describe('Function: botTokenReader', () => {
  function reader(value: unknown, asked: unknown[] = []) {
    return botTokenReader(
      '/p',
      {
        get: (async (...args: unknown[]) => {
          asked.push(args);
          return value;
        }) as never,
      },
      60,
    );
  }

  it.each([['xoxb-1234-abcd'], [' xoxp-1234-abcd\n']])('reads the bot token %j, trimmed, decrypted', async (value) => {
    // Prepare
    const asked: unknown[] = [];

    // Act
    const token = await reader(value, asked)({ forceFetch: true });

    // Assess
    expect(token).toBe(value.trim());
    expect(asked).toEqual([['/p', { decrypt: true, maxAge: 60, forceFetch: true }]]);
  });

  it.each([['xoxa-1234'], ['Bearer xoxb-1234'], ['xoxb-1234 trailing'], ['xoxb-'], ['xoxb-12.34'], [42]])(
    'refuses %j as no bot token',
    async (value) => {
      // Assess
      await expect(reader(value)()).rejects.toThrow('SSM parameter /p does not hold a Slack bot token (xoxb-…)');
    },
  );

  it('says it could not read the parameter, keeping why', async () => {
    // Prepare
    const denied = new Error('AccessDeniedException');
    const read = botTokenReader('/p', { get: (async () => Promise.reject(denied)) as never });

    // Act
    const outcome = read();

    // Assess
    await expect(outcome).rejects.toMatchObject({
      message: 'could not read the Slack bot token from SSM parameter /p',
      cause: denied,
    });
  });
});

describe('Function: toMrkdwn, headings and links', () => {
  it.each([
    ['# Heading', '*Heading*'],
    ['######  Six deep', '*Six deep*'],
    ['#hashtag', '#hashtag'],
    ['####### seven', '####### seven'],
    ['text # not a heading', 'text # not a heading'],
    ['# first\nplain\n## second', '*first*\nplain\n*second*'],
  ])('reads %j as %j', (markdown, mrkdwn) => {
    // Assess
    expect(toMrkdwn(markdown)).toBe(mrkdwn);
  });

  it('links http and https only, and keeps a | or > of the URL from ending the link', () => {
    // Assess
    expect(toMrkdwn('[a](http://x.example/a) [b](ftp://x.example/b)')).toBe(
      '<http://x.example/a|a> [b](ftp://x.example/b)',
    );
    expect(mrkdwnLink('https://x.example/?a=1|2>3', 'A|B')).toBe('<https://x.example/?a=1%7C2%3E3|A¦B>');
    expect(markdownLinks('[a](https://x.example/a) and [b](http://x.example/b)')).toEqual([
      { label: 'a', url: 'https://x.example/a' },
      { label: 'b', url: 'http://x.example/b' },
    ]);
  });
});
