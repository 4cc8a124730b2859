import { describe, expect, it } from 'vitest';
import {
  parseWebhookUrl,
  SlackWebhookUrlError,
  webhookUrlReader,
  webhookUrlSourceFromEnv,
} from '#shared/slack/webhook-url.js';

const source = { store: 'ssm', name: '/ecs-autopilot/slack-webhook' } as const;
const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';

/** What a reader of `value` throws, or the URL it reads. */
async function read(value: unknown, options: { forceFetch?: boolean } = {}) {
  const asked: unknown[] = [];
  const reader = webhookUrlReader(
    source,
    {
      ssm: {
        get: async (...args: unknown[]) => {
          asked.push(args);
          if (value instanceof Error) throw value;
          return value;
        },
      } as never,
    },
    60,
  );
  try {
    return { url: (await reader(options)).href, asked };
  } catch (error) {
    return { error: error as SlackWebhookUrlError, asked };
  }
}

describe('Function: webhookUrlSourceFromEnv', () => {
  it('names the SSM parameter of SLACK_WEBHOOK_URL_PARAMETER, trimmed', () => {
    // Assess
    expect(webhookUrlSourceFromEnv({ SLACK_WEBHOOK_URL_PARAMETER: ' /x/hook ' })).toEqual({
      store: 'ssm',
      name: '/x/hook',
    });
  });

  it.each([[{}], [{ SLACK_WEBHOOK_URL_PARAMETER: '  ' }]])('requires the parameter (%j)', (env) => {
    // Assess
    expect(() => webhookUrlSourceFromEnv(env)).toThrow(
      new SlackWebhookUrlError('SLACK_WEBHOOK_URL_PARAMETER (an SSM SecureString name) is required'),
    );
  });
});

describe('Function: parseWebhookUrl', () => {
  it.each([
    ['the URL itself', ` ${HOOK}\n`, HOOK],
    ['a JSON object with url', JSON.stringify({ url: HOOK }), HOOK],
    ['a JSON object after a line break', `\n ${JSON.stringify({ url: HOOK })}`, HOOK],
    ['a JSON object with webhookUrl', JSON.stringify({ webhookUrl: HOOK }), HOOK],
    ['plain http on the loopback address', 'http://127.0.0.1:9999/hook', 'http://127.0.0.1:9999/hook'],
    ['plain http on localhost', 'http://localhost:9999/hook', 'http://localhost:9999/hook'],
    ['plain http on the IPv6 loopback', 'http://[::1]:9999/hook', 'http://[::1]:9999/hook'],
  ])('reads %s', (_, value, url) => {
    // Assess
    expect(parseWebhookUrl(value, source).href).toBe(url);
  });

  it.each([
    ['JSON that does not parse', '{"url": "https://hooks', 'holds JSON that does not parse'],
    ['JSON without a url', '{"hook": "x"}', 'does not hold a URL (or a JSON object with "url")'],
    ['text that is no URL', 'hooks.slack.com/services/x', 'does not hold a URL (or a JSON object with "url")'],
    ['plain http off loopback', 'http://hooks.slack.com/services/x', 'holds a URL that is not https'],
    ['another scheme on loopback', 'ftp://127.0.0.1/hook', 'holds a URL that is not https'],
  ])('refuses %s, naming the parameter and never the value', (_, value, why) => {
    // Act
    const thrown = (() => {
      try {
        parseWebhookUrl(value, source);
      } catch (error) {
        return error as Error;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(SlackWebhookUrlError);
    expect(thrown?.message).toBe(`SSM parameter /ecs-autopilot/slack-webhook ${why}`);
    expect(thrown?.cause).toBeUndefined();
  });
});

describe('Function: webhookUrlReader', () => {
  it('reads the parameter decrypted, cached for its age, and passes a forced fetch on', async () => {
    // Act
    const { url, asked } = await read(HOOK, { forceFetch: true });

    // Assess
    expect(url).toBe(HOOK);
    expect(asked).toEqual([['/ecs-autopilot/slack-webhook', { decrypt: true, maxAge: 60, forceFetch: true }]]);
  });

  it('says it could not read the parameter, keeping why', async () => {
    // Prepare
    const denied = new Error('AccessDeniedException');

    // Act
    const { error } = await read(denied);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookUrlError);
    expect(error?.message).toBe('could not read the Slack webhook URL from SSM parameter /ecs-autopilot/slack-webhook');
    expect(error?.cause).toBe(denied);
  });

  it.each([[''], ['  '], [42]])('refuses a parameter that holds %j', async (value) => {
    // Act
    const { error } = await read(value);

    // Assess
    expect(error?.message).toBe('SSM parameter /ecs-autopilot/slack-webhook is empty or not a string');
  });
});
